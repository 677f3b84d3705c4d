// A fuzz campaign: cases run in worker threads, each bounded in time (a case over the limit is a
// hang: its worker is ended and a fresh one takes the next case). Reports every failure with the
// seed and case index that reproduce it.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { makeCase } from "./mutate.js";
import type { CaseResult, Outcome } from "./run-case.js";
import type { Seed } from "./seeds.js";

export interface CampaignOptions {
  seeds: Seed[];
  /** The campaign's seed: the same seed and index give the same case. */
  seed: number;
  /** Case indexes [first, first + cases). */
  cases: number;
  first?: number;
  /** Time one case may take before it counts as a hang. */
  timeoutMs: number;
  workers: number;
  /** Where failing cases are written, for replay. */
  saveDir?: string;
  onProgress?: (done: number, report: CampaignReport) => void;
}

export interface Failure {
  index: number;
  kind: "crash" | "hang" | "allocation";
  seedFile: string;
  steps: string[];
  detail: string;
  saved?: string;
}

export interface CampaignReport {
  seed: number;
  cases: number;
  counts: Record<Outcome | "hang", number>;
  /** Typed errors that said the file is truncated. */
  truncated: number;
  failures: Failure[];
  /** Largest single allocation of any case, and of any case whose input was 1 KB or less. */
  largestAllocation: number;
  largestFromSmallInput: number;
  maxRss: number;
  maxArrayBuffers: number;
  /** Slowest case that finished, ms, and its index. */
  slowestMs: number;
  slowestCase: number;
  elapsedMs: number;
}

const WORKER = join(import.meta.dirname, "worker.ts");
const REGISTER_TS = join(import.meta.dirname, "register-ts.mjs");

type Reply = CaseResult & { index: number; size: number; rss: number; arrayBuffers: number };

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const { seeds, seed, cases, timeoutMs } = options;
  const first = options.first ?? 0;
  const started = performance.now();
  const report: CampaignReport = {
    seed,
    cases: 0,
    counts: { read: 0, rejected: 0, crash: 0, allocation: 0, hang: 0 },
    truncated: 0,
    failures: [],
    largestAllocation: 0,
    largestFromSmallInput: 0,
    maxRss: 0,
    maxArrayBuffers: 0,
    slowestMs: 0,
    slowestCase: -1,
    elapsedMs: 0,
  };
  let next = first;
  const end = first + cases;

  const fail = (index: number, kind: Failure["kind"], detail: string) => {
    const c = makeCase(seeds, seed, index);
    const failure: Failure = { index, kind, seedFile: c.seed, steps: c.steps, detail };
    if (options.saveDir) {
      mkdirSync(options.saveDir, { recursive: true });
      failure.saved = join(options.saveDir, `case-${seed}-${index}-${c.seed}`);
      writeFileSync(failure.saved, c.bytes);
    }
    report.failures.push(failure);
  };

  const lane = async (): Promise<void> => {
    let worker: Worker | null = null;
    let pending: ((reply: Reply | null) => void) | null = null;
    // A fresh worker first says "ready" (loading the readers is not a case's time). Loading can
    // fail for a moment while another build rewrites the dumper's dist/: try again.
    const spawn = async (): Promise<Worker> => {
      for (let attempt = 1; ; attempt++) {
        const w = new Worker(WORKER, {
          workerData: { seeds, campaign: seed },
          execArgv: ["--import", REGISTER_TS],
        });
        try {
          await new Promise<void>((resolve, reject) => {
            w.once("message", () => resolve());
            w.once("error", reject);
            w.once("exit", () => reject(new Error("the fuzz worker exited while loading")));
          });
          return listen(w);
        } catch (error) {
          await w.terminate();
          if (attempt === 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 3000));
        }
      }
    };
    const listen = (w: Worker) => {
      w.on("message", (reply: Reply) => pending?.(reply));
      w.on("error", () => pending?.(null));
      w.on("exit", () => pending?.(null));
      return w;
    };
    try {
      while (next < end) {
        const index = next++;
        worker ??= await spawn();
        const w = worker;
        const caseStart = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const reply = await new Promise<Reply | null | "timeout">((resolve) => {
          pending = resolve;
          timer = setTimeout(() => resolve("timeout"), timeoutMs);
          w.postMessage(index);
        });
        clearTimeout(timer);
        pending = null;
        report.cases++;
        if (reply === "timeout" || reply === null) {
          // A stuck or dead worker: end it, the next case gets a fresh one.
          worker = null;
          await w.terminate();
          if (reply === "timeout") {
            report.counts.hang++;
            fail(index, "hang", `no answer within ${timeoutMs} ms`);
          } else {
            report.counts.crash++;
            fail(index, "crash", "the worker died");
          }
        } else {
          const ms = performance.now() - caseStart;
          if (ms > report.slowestMs) {
            report.slowestMs = ms;
            report.slowestCase = index;
          }
          report.counts[reply.outcome]++;
          if (reply.truncated) report.truncated++;
          report.largestAllocation = Math.max(report.largestAllocation, reply.largest);
          if (reply.size <= 1024)
            report.largestFromSmallInput = Math.max(report.largestFromSmallInput, reply.largest);
          report.maxRss = Math.max(report.maxRss, reply.rss);
          report.maxArrayBuffers = Math.max(report.maxArrayBuffers, reply.arrayBuffers);
          if (reply.outcome === "crash" || reply.outcome === "allocation")
            fail(index, reply.outcome, reply.detail);
        }
        options.onProgress?.(report.cases, report);
      }
    } finally {
      await worker?.terminate();
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
  report.failures.sort((a, b) => a.index - b.index);
  report.elapsedMs = performance.now() - started;
  return report;
}

// `pnpm fuzz [--cases N] [--seed S] [--first I] [--timeout MS] [--workers K] [--save DIR] [--json]`
// A fuzz campaign over every reader; exit 1 when any case crashed, hung or over-allocated.
// Seed files are made afresh each run: replay a failure from its saved bytes, `--replay FILE...`
// (in this process, under the same allocation budget), or roughly with `--seed S --first I`.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { installAllocationBudget } from "./alloc-cap.js";
import { type CampaignReport, runCampaign } from "./campaign.js";
import { runCase } from "./run-case.js";
import { makeSeeds } from "./seeds.js";

const { values, positionals } = parseArgs({
  options: {
    cases: { type: "string", default: "2000" },
    seed: { type: "string" },
    first: { type: "string", default: "0" },
    timeout: { type: "string", default: "10000" },
    workers: { type: "string", default: "1" },
    save: { type: "string" },
    "no-pmat": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    replay: { type: "boolean", default: false },
  },
  allowPositionals: true,
});

if (values.replay) {
  installAllocationBudget();
  let failed = 0;
  for (const file of positionals) {
    const bytes = new Uint8Array(readFileSync(file));
    for (const salvage of [false, true]) {
      const r = await runCase({ seed: basename(file), steps: [], bytes, chunk: 0, salvage });
      if (r.outcome === "crash" || r.outcome === "allocation") failed++;
      console.log(
        `${file}${salvage ? " (salvage)" : ""}: ${r.outcome}${r.detail ? `: ${r.detail}` : ""}`,
      );
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}

const number = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: --${name} must be a whole number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
};
const seed =
  values.seed === undefined ? (Math.random() * 0x100000000) >>> 0 : number("seed", values.seed);
const cases = number("cases", values.cases);
const first = number("first", values.first);

const dir = mkdtempSync(join(tmpdir(), "heapmat-fuzz-"));
try {
  console.error(`fuzz: seed ${seed}, cases ${first}..${first + cases - 1}; making seed files`);
  const seeds = await makeSeeds(dir, { pmat: !values["no-pmat"] });
  console.error(
    `fuzz: seed files: ${seeds.map((s) => `${s.name} (${s.bytes.length} B)`).join(", ")}`,
  );
  let shown = 0;
  const started = performance.now();
  const report = await runCampaign({
    seeds,
    seed,
    cases,
    first,
    timeoutMs: number("timeout", values.timeout),
    workers: Math.max(1, number("workers", values.workers)),
    saveDir: values.save ?? join(dir, "failures"),
    onProgress: (done, r) => {
      if (done - shown >= 1000 || done === cases) {
        shown = done;
        const s = ((performance.now() - started) / 1000).toFixed(0);
        console.error(`fuzz: ${done}/${cases} cases in ${s} s, ${summary(r)}, ${memory(r)}`);
      }
    },
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} finally {
  if (!values.save) rmSync(dir, { recursive: true, force: true });
}

function summary(r: CampaignReport): string {
  const c = r.counts;
  return `${c.crash} crashes, ${c.hang} hangs, ${c.allocation} over-allocations (${c.read} read, ${c.rejected} rejected)`;
}

function mb(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MB`;
}

function memory(r: CampaignReport): string {
  return `largest allocation ${mb(r.largestAllocation)} (${mb(r.largestFromSmallInput)} for inputs of 1 KB or less); max RSS ${mb(r.maxRss)}`;
}

function print(r: CampaignReport): void {
  console.log(`seed ${r.seed}: ${r.cases} cases in ${(r.elapsedMs / 1000).toFixed(1)} s`);
  console.log(`  ${summary(r)}; ${r.truncated} named as truncated`);
  console.log(`  ${memory(r)}; slowest case ${r.slowestMs.toFixed(0)} ms (case ${r.slowestCase})`);
  for (const f of r.failures.slice(0, 50)) {
    console.log(`  ${f.kind}: case ${f.index} (${f.seedFile}: ${f.steps.join("; ")})`);
    console.log(`    ${f.detail}`);
    console.log(
      f.saved
        ? `    replay: pnpm fuzz --replay ${f.saved}`
        : `    replay: pnpm fuzz --seed ${r.seed} --first ${f.index} --cases 1`,
    );
  }
  if (r.failures.length > 50) console.log(`  ... and ${r.failures.length - 50} more`);
}

import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LEAK_DUMPS, LeakedRecord } from "./heap/build-heap.js";
import { cachePaths, gzip6Size, snapshotCounts } from "./heap/files.js";
import { type HotSpot, hotSpots } from "./report/profile.js";
import { computeRatios, type RatioRow } from "./report/ratios.js";
import { binOf, buildHash } from "./run/packages.js";
import { type ChildRun, runChild } from "./run/spawn.js";
import { type MinMedian, minMedian } from "./run/stats.js";
import { SCALES, type Scale, unitsFor } from "./scales.js";

// The benchmark's plan: which measurements exist, in which child process each runs, and how their
// runs are summarised. Every measurement is a fresh process; nothing is timed in this one.

export const MEASUREMENTS = {
  "v8-write": "dump with v8.writeHeapSnapshot",
  "heapmat-dump": "dump with @heapmat/dumper",
  "json-parse": "JSON.parse of the .heapsnapshot",
  memlab: "memlab: parse, shortest paths, dominators, retained sizes",
  devtools: "DevTools' heap snapshot worker",
  "heapmat-heapsnapshot": "heapmat: read .heapsnapshot and index fully",
  "heapmat-hmat": "heapmat: read .hmat and index fully",
  "heapmat-reopen": "heapmat: re-open with the sidecar index cache, identify one object",
  identify: "heapmat identify (and its text) on 100 random objects",
  leakreport: `heapmat-leakreport over ${LEAK_DUMPS} dumps`,
} as const;
export type MeasureId = keyof typeof MEASUREMENTS;

/** `--only` accepts measurement ids and these groups. */
export const GROUPS: Record<string, MeasureId[]> = {
  dump: ["v8-write", "heapmat-dump"],
  load: ["json-parse", "memlab", "devtools", "heapmat-heapsnapshot", "heapmat-hmat"],
  anchors: ["v8-write", "json-parse", "memlab", "devtools"],
  heapmat: [
    "heapmat-dump",
    "heapmat-heapsnapshot",
    "heapmat-hmat",
    "heapmat-reopen",
    "identify",
    "leakreport",
  ],
};

export interface BenchOptions {
  scale: Scale;
  runs: number;
  only: ReadonlySet<MeasureId>;
  /** Snapshot cache root; the files live in a folder keyed by scale, Node version and heap shape. */
  cacheRoot?: string;
  /** CPU-profile heapmat's processes into <profileDir>/<measurement>/ and list their hot spots. */
  profileDir?: string;
  log?: (message: string) => void;
}

export type Status = "ok" | "unavailable" | "failed" | "skipped";

export interface MeasurementResult {
  what: string;
  status: Status;
  reason?: string;
  /** One record per run: wall time (ms) as seen from outside, plus what the process reported. */
  runs: Record<string, unknown>[];
  /** Min and median over the runs of each numeric figure. */
  stats: Record<string, MinMedian>;
}

export interface BenchReport {
  format: "heapmat-bench/1";
  date: string;
  scale: Scale;
  runs: number;
  machine: {
    node: string;
    v8: string;
    platform: string;
    cpus: number;
    memory: number;
    /** 1-minute load average at the start and the end: a shared machine's other work shows here. */
    loadAverage: [number, number];
  };
  cacheDir: string;
  heap: {
    units: number;
    nodes?: number;
    edges?: number;
    heapsnapshotBytes?: number;
    gzip6Bytes?: number;
    /** The .heapsnapshot converted to .hmat: the same heap. */
    hmatBytes?: number;
    /** The dumper's own dump, from another process running the same program. */
    dumpHmatBytes?: number;
  };
  measurements: Record<MeasureId, MeasurementResult>;
  /**
   * What each tool that builds a dominator tree says the root retains: independent implementations
   * over the same heap (the .hmat is the .heapsnapshot converted) must agree.
   */
  rootRetainedSize: Partial<Record<MeasureId, number>>;
  ratios: RatioRow[];
  /** With --profile: the functions where heapmat's processes spent their time. */
  hotSpots?: Partial<Record<MeasureId, HotSpot[]>>;
}

const here = dirname(fileURLToPath(import.meta.url));
const child = (name: string) => join(here, "child", `${name}.mjs`);

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const loadAtStart = loadavg()[0]!;
  const nodes = SCALES[options.scale];
  const units = unitsFor(nodes);
  const cacheDir = join(
    options.cacheRoot ?? join(tmpdir(), "heapmat-bench"),
    `${options.scale}-node${process.versions.node}-${heapShapeHash()}`,
  );
  mkdirSync(cacheDir, { recursive: true });
  const paths = cachePaths(cacheDir, buildHash("@heapmat/dumper"));
  // Room for the biggest anchor (memlab needs ~200 B/node) without letting V8's limit decide.
  const heapMb = Math.max(4096, Math.ceil((nodes * 600) / 2 ** 20));
  const nodeFlags = [`--max-old-space-size=${heapMb}`];
  const measurements = {} as Record<MeasureId, MeasurementResult>;
  const profiled: MeasureId[] = [];
  const profile = (id: MeasureId): string[] => {
    if (!options.profileDir || !GROUPS.heapmat!.includes(id)) return [];
    const dir = join(options.profileDir, id);
    if (!profiled.includes(id)) {
      profiled.push(id);
      rmSync(dir, { recursive: true, force: true });
    }
    return ["--cpu-prof", "--cpu-prof-dir", dir];
  };
  const wanted = (id: MeasureId) => options.only.has(id);

  const measure = async (
    id: MeasureId,
    runs: number,
    once: (run: number) => Promise<ChildRun | string>,
  ) => {
    if (!wanted(id)) {
      measurements[id] = { what: MEASUREMENTS[id], status: "skipped", runs: [], stats: {} };
      return;
    }
    const records: Record<string, unknown>[] = [];
    let status: Status = "ok";
    let reason: string | undefined;
    for (let run = 1; run <= runs; run++) {
      log(`${id}: run ${run} of ${runs}`);
      const outcome = await once(run);
      if (typeof outcome === "string") {
        [status, reason] = ["unavailable", outcome];
        break;
      }
      const { wallMs, result } = outcome;
      if (typeof result.unavailable === "string" || typeof result.failed === "string") {
        status = result.unavailable ? "unavailable" : "failed";
        reason = String(result.unavailable ?? result.failed);
        log(`${id}: ${status}: ${reason}`);
        break;
      }
      records.push({ wallMs, ...result });
    }
    measurements[id] = {
      what: MEASUREMENTS[id],
      status,
      ...(reason !== undefined && { reason }),
      runs: records,
      stats: status === "ok" ? summarize(records) : {},
    };
  };

  // Dumps: each run builds the heap in a fresh process, then dumps it; the last file is cached.
  const dumpOnce =
    (tool: "v8" | "heapmat", file: string, flags: string[] = []) =>
    async (): Promise<ChildRun> => {
      const partial = `${file}.partial-${tool}${tool === "v8" ? ".heapsnapshot" : ".hmat"}`;
      const outcome = await runChild({
        script: child("dump"),
        args: ["--tool", tool, "--units", String(units), "--out", partial],
        nodeFlags: [...nodeFlags, ...flags, "--expose-gc"],
      });
      if (!outcome.result.failed && !outcome.result.unavailable) renameSync(partial, file);
      return outcome;
    };
  await measure("v8-write", options.runs, dumpOnce("v8", paths.heapsnapshot));
  await measure(
    "heapmat-dump",
    options.runs,
    dumpOnce("heapmat", paths.hmat, profile("heapmat-dump")),
  );

  // Loads need the files: make any that are missing (not measured), once per cache folder.
  const ensure = async (file: string, tool: "v8" | "heapmat"): Promise<string | undefined> => {
    if (existsSync(file)) return undefined;
    log(`making ${file}`);
    const { result } = await dumpOnce(tool, file)();
    return (result.unavailable ?? result.failed) as string | undefined;
  };
  const needsJson = [
    "json-parse",
    "memlab",
    "devtools",
    "heapmat-heapsnapshot",
    "heapmat-hmat",
    "heapmat-reopen",
    "identify",
  ];
  const jsonMissing = needsJson.some((id) => wanted(id as MeasureId))
    ? await ensure(paths.heapsnapshot, "v8")
    : undefined;
  // The .hmat of exactly the heap in the .heapsnapshot, made by the dumper's own converter, so that
  // loads, file sizes and retained sizes compare like with like.
  const convert = async (): Promise<string | undefined> => {
    if (jsonMissing !== undefined) return jsonMissing;
    const fresh =
      existsSync(paths.converted) &&
      statSync(paths.converted).mtimeMs >= statSync(paths.heapsnapshot).mtimeMs;
    if (fresh) return undefined;
    log(`converting ${paths.heapsnapshot} to .hmat`);
    const { result } = await runChild({
      script: binOf("@heapmat/dumper", "heapmat-dump"),
      args: ["convert", paths.heapsnapshot, paths.converted],
      resultFlag: false,
      preload: child("peak-at-exit"),
    });
    return result.failed === undefined ? undefined : `heapmat-dump convert: ${result.failed}`;
  };
  const hmatMissing =
    wanted("heapmat-hmat") || wanted("heapmat-reopen") ? await convert() : undefined;

  const load =
    (
      tool: string,
      file: string,
      missing: string | undefined,
      extra: string[] = [],
      flags: string[] = [],
    ) =>
    async (): Promise<ChildRun | string> => {
      if (missing !== undefined) return `no ${file}: ${missing}`;
      if (tool === "devtools" && !existsSync(child("load-devtools"))) {
        return "DevTools' worker is not bundled (see docs/performance.md)";
      }
      return runChild({
        script: child(tool === "devtools" ? "load-devtools" : "load"),
        args: ["--tool", tool, "--file", file, ...extra],
        nodeFlags: [...nodeFlags, ...flags],
      });
    };
  await measure("json-parse", options.runs, load("json", paths.heapsnapshot, jsonMissing));
  await measure("memlab", options.runs, load("memlab", paths.heapsnapshot, jsonMissing));
  await measure("devtools", options.runs, load("devtools", paths.heapsnapshot, jsonMissing));
  await measure(
    "heapmat-heapsnapshot",
    options.runs,
    load("heapmat", paths.heapsnapshot, jsonMissing, [], profile("heapmat-heapsnapshot")),
  );
  await measure(
    "heapmat-hmat",
    options.runs,
    load("heapmat", paths.converted, hmatMissing, [], profile("heapmat-hmat")),
  );
  // The files heapmat's users would re-open and hand to leakreport: .hmat, when openSnapshot
  // (which the index cache and leakreport go through) read it in this run, or when this run did
  // not try.
  const hmatRun = measurements["heapmat-hmat"];
  const opensHmat =
    hmatRun.status === "skipped" ||
    (hmatRun.status === "ok" && hmatRun.runs[0]?.reader !== "readHmat");
  const [reopenFile, reopenMissing] = opensHmat
    ? [paths.converted, hmatMissing]
    : [paths.heapsnapshot, jsonMissing];
  await measure("heapmat-reopen", options.runs, async (run) => {
    if (run === 1) {
      // An unmeasured process computes the indexes and writes the cache beside the file.
      const written = await load("heapmat", reopenFile, reopenMissing, ["--cache", "write"])();
      if (typeof written === "string" || written.result.unavailable || written.result.failed) {
        return written;
      }
    }
    const outcome = await load("heapmat", reopenFile, reopenMissing, ["--cache", "hit"])();
    if (typeof outcome === "string") return outcome;
    return { ...outcome, result: { ...outcome.result, format: reopenFile.split(".").pop() } };
  });
  // One run: the 100 objects are the sample; the load and index before them are not timed.
  await measure(
    "identify",
    1,
    load("heapmat", paths.heapsnapshot, jsonMissing, ["--identify", "100"]),
  );
  const leakFormat = opensHmat ? "hmat" : "heapsnapshot";
  let series: string[] | string | undefined;
  await measure("leakreport", options.runs, async () => {
    series ??= await leakSeries(
      cacheDir,
      units,
      Math.ceil(nodes / 1000),
      leakFormat,
      nodeFlags,
      log,
    );
    if (typeof series === "string") return series;
    // Cold runs: no sidecar index caches left by an earlier run.
    for (const file of series) rmSync(`${file}.hmidx`, { force: true });
    const outcome = await runChild({
      script: binOf("@heapmat/leakreport", "heapmat-leakreport"),
      args: series,
      nodeFlags: [...nodeFlags, ...profile("leakreport")],
      resultFlag: false,
      preload: child("peak-at-exit"),
      okCodes: [0, 1],
      captureStdout: true,
    });
    const failed = outcome.result.failed;
    if (typeof failed === "string" && /not implemented/.test(failed)) {
      return "heapmat-leakreport is not implemented yet";
    }
    if (failed) return outcome;
    // Only a run that printed a report counts; note whether it names the class that leaks.
    if (!outcome.stdout?.trim()) {
      return { ...outcome, result: { failed: "heapmat-leakreport printed no report" } };
    }
    const foundLeak = outcome.stdout!.includes(LeakedRecord.name);
    return { ...outcome, result: { ...outcome.result, format: leakFormat, foundLeak } };
  });

  const counts = existsSync(paths.heapsnapshot) ? snapshotCounts(paths.heapsnapshot) : undefined;
  const report: BenchReport = {
    format: "heapmat-bench/1",
    date: new Date().toISOString(),
    scale: options.scale,
    runs: options.runs,
    machine: {
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      memory: totalmem(),
      loadAverage: [loadAtStart, loadavg()[0]!],
    },
    cacheDir,
    heap: {
      units,
      ...counts,
      ...(counts && {
        heapsnapshotBytes: statSync(paths.heapsnapshot).size,
        gzip6Bytes: await gzip6Size(paths.heapsnapshot),
      }),
      ...(existsSync(paths.converted) && { hmatBytes: statSync(paths.converted).size }),
      ...(existsSync(paths.hmat) && { dumpHmatBytes: statSync(paths.hmat).size }),
    },
    measurements,
    rootRetainedSize: Object.fromEntries(
      Object.entries(measurements).flatMap(([id, m]) => {
        const size = id === "identify" ? undefined : m.runs[0]?.rootRetainedSize;
        return typeof size === "number" ? [[id, size]] : [];
      }),
    ),
    ratios: [],
  };
  report.ratios = computeRatios(report);
  if (options.profileDir) {
    const dir = options.profileDir;
    report.hotSpots = Object.fromEntries(profiled.map((id) => [id, hotSpots(join(dir, id))]));
  }
  return report;
}

/** Min and median of every numeric top-level figure the runs share. */
function summarize(records: Record<string, unknown>[]): Record<string, MinMedian> {
  const stats: Record<string, MinMedian> = {};
  for (const key of Object.keys(records[0] ?? {})) {
    const values = records.map((r) => r[key]).filter((v): v is number => typeof v === "number");
    const summary = values.length === records.length ? minMedian(values) : undefined;
    if (summary) stats[key] = summary;
  }
  return stats;
}

/** The 6 dumps of the leak program, made once per cache folder. */
async function leakSeries(
  cacheDir: string,
  units: number,
  leak: number,
  format: "hmat" | "heapsnapshot",
  nodeFlags: string[],
  log: (message: string) => void,
): Promise<string[] | string> {
  const dir = cachePaths(cacheDir, buildHash("@heapmat/dumper")).leakDir(format);
  const files = Array.from({ length: LEAK_DUMPS }, (_, i) => join(dir, `leak-${i + 1}.${format}`));
  if (files.every((file) => existsSync(file))) return files;
  log(`making ${LEAK_DUMPS} dumps of the leak program in ${dir}`);
  mkdirSync(dir, { recursive: true });
  const { result } = await runChild({
    script: child("leak-series"),
    args: ["--units", String(units), "--leak", String(leak), "--dir", dir, "--format", format],
    nodeFlags: [...nodeFlags, "--expose-gc"],
  });
  const why = result.unavailable ?? result.failed;
  if (typeof why === "string") return `the leak program failed: ${why}`;
  return files;
}

/**
 * Changes whenever the heap builder's code does, so stale snapshot files are never reused: the
 * hash of its bundled chunk, or of the programs that include it.
 */
function heapShapeHash(): string {
  const hash = createHash("sha256");
  const chunk = readdirSync(here).find((f) => /^build-heap-.*\.mjs$/.test(f));
  const files = chunk ? [join(here, chunk)] : [child("dump"), child("leak-series")];
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest("hex").slice(0, 10);
}

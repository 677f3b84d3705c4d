import type { BenchReport, MeasureId } from "../bench.js";

// The comparisons the benchmark exists for: heapmat's figure ÷ an anchor's figure, from the same run
// on the same machine, beside the target from the issues (dumper: issue 3, analyzer: issue 4).

export type Unit = "ms" | "bytes";

/** One side of a comparison: min and median over the runs, or why there is no figure. */
export interface Figure {
  source: string;
  unit: Unit;
  min?: number;
  median?: number;
  missing?: string;
}

export interface RatioRow {
  label: string;
  heapmat: Figure;
  anchor?: Figure;
  /** heapmat's median ÷ the anchor's median. */
  ratio?: number;
  /** heapmat's min ÷ the anchor's min: steadier on a busy machine, where noise only adds time. */
  ratioOfMins?: number;
  /** The ratio must not exceed this. */
  target?: number;
  meets?: boolean;
}

type Source =
  | { id: MeasureId; metric: string; unit: Unit }
  | { heap: "gzip6Bytes" | "heapsnapshotBytes" | "hmatBytes" }
  | { fixed: number; unit: Unit; name: string };

interface Spec {
  label: string;
  heapmat: Source;
  anchor?: Source;
  target?: number;
}

const NAMES: Record<MeasureId, string> = {
  "v8-write": "V8 writer",
  "heapmat-dump": "heapmat dumper",
  "json-parse": "JSON.parse",
  memlab: "memlab",
  devtools: "DevTools worker",
  "heapmat-heapsnapshot": "heapmat (.heapsnapshot)",
  "heapmat-hmat": "heapmat (.hmat)",
  "heapmat-reopen": "heapmat (cached indexes)",
  identify: "identify",
  leakreport: "heapmat-leakreport",
};

const ms = (id: MeasureId, metric: string): Source => ({ id, metric, unit: "ms" });
const bytes = (id: MeasureId, metric: string): Source => ({ id, metric, unit: "bytes" });

function specs(report: BenchReport): Spec[] {
  return [
    {
      label: "dump: host pause",
      heapmat: ms("heapmat-dump", "pauseMs"),
      anchor: ms("v8-write", "pauseMs"),
      target: 1.1,
    },
    {
      label: "dump: time to complete file",
      heapmat: ms("heapmat-dump", "totalMs"),
      anchor: ms("v8-write", "totalMs"),
    },
    {
      label: "dump: peak RSS",
      heapmat: bytes("heapmat-dump", "peakRss"),
      anchor: bytes("v8-write", "peakRss"),
      target: 1.0,
    },
    {
      label: "file size vs V8 JSON gzip -6",
      heapmat: { heap: "hmatBytes" },
      anchor: { heap: "gzip6Bytes" },
      target: 0.5,
    },
    {
      label: "file size vs V8 JSON",
      heapmat: { heap: "hmatBytes" },
      anchor: { heap: "heapsnapshotBytes" },
    },
    ...(["memlab", "devtools"] as const).flatMap((anchor): Spec[] => [
      {
        label: `index .heapsnapshot: time vs ${NAMES[anchor]}`,
        heapmat: ms("heapmat-heapsnapshot", "wallMs"),
        anchor: ms(anchor, "wallMs"),
        target: 0.1,
      },
      {
        label: `index .heapsnapshot: peak RSS vs ${NAMES[anchor]}`,
        heapmat: bytes("heapmat-heapsnapshot", "peakRss"),
        anchor: bytes(anchor, "peakRss"),
        target: 0.5,
      },
    ]),
    {
      label: "index .heapsnapshot: time vs JSON.parse",
      heapmat: ms("heapmat-heapsnapshot", "wallMs"),
      anchor: ms("json-parse", "wallMs"),
    },
    {
      label: "index .hmat: time vs memlab",
      heapmat: ms("heapmat-hmat", "wallMs"),
      anchor: ms("memlab", "wallMs"),
      target: 0.1,
    },
    {
      label: "index .hmat: peak RSS vs memlab",
      heapmat: bytes("heapmat-hmat", "peakRss"),
      anchor: bytes("memlab", "peakRss"),
      target: 0.5,
    },
    // Issue 4's absolute targets hold at 20M nodes; at smaller scales Node's start-up would
    // dominate a target scaled down, so they are only compared there.
    ...(report.scale === "20m"
      ? [
          {
            label: "index .hmat: time vs 4 s",
            heapmat: ms("heapmat-hmat", "wallMs"),
            anchor: { fixed: 4000, unit: "ms", name: "target" },
            target: 1,
          } satisfies Spec,
          {
            label: "re-open with cached indexes: time vs 1 s",
            heapmat: ms("heapmat-reopen", "wallMs"),
            anchor: { fixed: 1000, unit: "ms", name: "target" },
            target: 1,
          } satisfies Spec,
        ]
      : []),
    {
      label: "re-open with cached indexes: time vs full index",
      heapmat: ms("heapmat-reopen", "wallMs"),
      // The same file, read and indexed in full.
      anchor: ms(
        report.measurements["heapmat-reopen"]?.runs[0]?.format === "hmat"
          ? "heapmat-hmat"
          : "heapmat-heapsnapshot",
        "wallMs",
      ),
    },
    {
      label: "identify: slowest of 100 vs 100 ms",
      heapmat: ms("identify", "identifyMaxMs"),
      anchor: { fixed: 100, unit: "ms", name: "target" },
      target: 1,
    },
    { label: "identify: median of 100", heapmat: ms("identify", "identifyMedianMs") },
    { label: `leakreport over 6 dumps: time`, heapmat: ms("leakreport", "wallMs") },
    { label: `leakreport over 6 dumps: peak RSS`, heapmat: bytes("leakreport", "peakRss") },
  ];
}

export function computeRatios(report: BenchReport): RatioRow[] {
  return specs(report).map((spec) => {
    const heapmat = figure(report, spec.heapmat);
    const anchor = spec.anchor && figure(report, spec.anchor);
    const row: RatioRow = { label: spec.label, heapmat, ...(anchor && { anchor }) };
    if (heapmat.median !== undefined && anchor?.median) {
      row.ratio = heapmat.median / anchor.median;
      if (heapmat.min !== undefined && anchor.min) row.ratioOfMins = heapmat.min / anchor.min;
      if (spec.target !== undefined) {
        row.target = spec.target;
        row.meets = row.ratio <= spec.target;
      }
    } else if (spec.target !== undefined) {
      row.target = spec.target;
    }
    return row;
  });
}

function figure(report: BenchReport, source: Source): Figure {
  if ("fixed" in source) {
    return { source: source.name, unit: source.unit, min: source.fixed, median: source.fixed };
  }
  if ("heap" in source) {
    const value = report.heap[source.heap];
    const name = {
      gzip6Bytes: "V8 JSON gzip -6",
      heapsnapshotBytes: "V8 JSON",
      hmatBytes: ".hmat",
    }[source.heap];
    return value === undefined
      ? { source: name, unit: "bytes", missing: "no file" }
      : { source: name, unit: "bytes", min: value, median: value };
  }
  const measurement = report.measurements[source.id];
  const base = { source: NAMES[source.id], unit: source.unit };
  if (measurement?.status !== "ok") {
    const status = measurement?.status ?? "skipped";
    const why = measurement?.reason ? `: ${measurement.reason}` : "";
    return {
      ...base,
      missing: status === "unavailable" ? `not available${why}` : `${status}${why}`,
    };
  }
  const stats = measurement.stats[source.metric];
  if (!stats) return { ...base, missing: `no ${source.metric} reported` };
  return { ...base, ...stats };
}

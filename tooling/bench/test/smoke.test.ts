import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchReport, MeasurementResult } from "../src/bench.js";
import { formatReport } from "../src/report/table.js";

// The whole benchmark, once, at its smallest scale: real heaps dumped and loaded by real child
// processes. It checks that the harness measures sanely and reports, not how fast anything is.

const cli = join(import.meta.dirname, "..", "dist", "cli.mjs");
let dir: string;
let report: BenchReport;
let stdout: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "heapmat-bench-smoke-"));
  stdout = execFileSync(
    process.execPath,
    [
      cli,
      "--scale",
      "100k",
      "--runs",
      "1",
      "--json",
      "--out",
      join(dir, "report.json"),
      "--cache-dir",
      dir,
    ],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok = (id: keyof BenchReport["measurements"]): MeasurementResult => {
  const m = report.measurements[id];
  expect(m.status, `${id}: ${m.reason}`).toBe("ok");
  return m;
};

describe("pnpm bench --scale 100k", () => {
  it("prints the same JSON report it writes", () => {
    expect(JSON.parse(stdout)).toEqual(report);
    expect(report.format).toBe("heapmat-bench/1");
    expect(report.machine.node).toBe(process.version);
  });

  it("builds a heap of about 100k nodes, with V8's ~3 edges per node", () => {
    expect(report.heap.nodes).toBeGreaterThan(70_000);
    expect(report.heap.nodes).toBeLessThan(140_000);
    expect(report.heap.edges!).toBeGreaterThan(2 * report.heap.nodes!);
    expect(report.heap.gzip6Bytes!).toBeGreaterThan(0);
    expect(report.heap.gzip6Bytes!).toBeLessThan(report.heap.heapsnapshotBytes! / 2);
  });

  it("sees V8's synchronous writer block the host for the whole dump", () => {
    const v8 = ok("v8-write");
    const { pauseMs, totalMs, peakRss, bytes } = v8.runs[0] as Record<string, number> & {
      totalMs: number;
    };
    expect(totalMs).toBeGreaterThan(0);
    // The pause is measured by a timer in the host: it must see (almost) all of a blocking dump.
    expect(pauseMs).toBeGreaterThan(totalMs * 0.8);
    expect(peakRss).toBeGreaterThan(20 * 2 ** 20);
    expect(peakRss).toBeLessThan(4 * 2 ** 30);
    expect(bytes).toBe(report.heap.heapsnapshotBytes);
  });

  it("loads the same heap with the anchors, each in its own process", () => {
    for (const id of ["json-parse", "memlab", "devtools"] as const) {
      const run = ok(id).runs[0] as Record<string, number>;
      expect(run.nodes).toBe(report.heap.nodes);
      expect(run.wallMs).toBeGreaterThan(0);
      expect(run.peakRss).toBeGreaterThan(20 * 2 ** 20);
    }
  });

  it("measures each heapmat piece that exists, and says which don't", () => {
    for (const [id, m] of Object.entries(report.measurements)) {
      expect(["ok", "unavailable"], `${id}: ${m.reason}`).toContain(m.status);
      if (m.status !== "ok") expect(m.reason).toBeTruthy();
    }
    // Independent dominator trees over the same heap agree on what the root retains: the anchors',
    // and heapmat's from the .heapsnapshot, from it converted to .hmat, and from its index cache.
    const memlab = report.measurements.memlab.runs[0] as Record<string, number>;
    expect(report.rootRetainedSize.devtools).toBe(memlab.rootRetainedSize);
    for (const id of ["heapmat-heapsnapshot", "heapmat-hmat", "heapmat-reopen"] as const) {
      if (report.measurements[id].status !== "ok") continue;
      const run = report.measurements[id].runs[0] as Record<string, number>;
      expect(run.nodes, id).toBe(report.heap.nodes);
      expect(run.rootRetainedSize, id).toBe(memlab.rootRetainedSize);
    }
  });

  it("re-opens, and hands leakreport, the .hmat that the analyzer reads", () => {
    expect(ok("heapmat-hmat").runs[0]!.reader).not.toBe("readHmat");
    expect(ok("heapmat-reopen").runs[0]!.format).toBe("hmat");
    expect(ok("leakreport").runs[0]!.format).toBe("hmat");
    // Re-opening is compared with reading and indexing that same file.
    const row = (label: string) => report.ratios.find((r) => r.label === label);
    expect(row("re-open with cached indexes: time vs full index")?.anchor?.source).toBe(
      row("index .hmat: time vs memlab")?.heapmat.source,
    );
  });

  it("computes each ratio from the medians beside it", () => {
    const pause = report.ratios.find((r) => r.label === "dump: host pause");
    expect(pause?.anchor?.median).toBeGreaterThan(0);
    const withRatio = report.ratios.filter((r) => r.ratio !== undefined);
    expect(withRatio.length).toBeGreaterThan(0);
    for (const row of withRatio) {
      expect(row.ratio).toBeCloseTo(row.heapmat.median! / row.anchor!.median!, 10);
      if (row.target !== undefined) expect(row.meets).toBe(row.ratio! <= row.target);
    }
  });

  it("renders the table with the absolute figures beside the ratios", () => {
    const table = formatReport(report, false);
    expect(table).toContain(`scale 100k · ${report.heap.nodes!.toLocaleString("en-US")} nodes`);
    for (const row of report.ratios) expect(table).toContain(row.label);
    expect(table).toMatch(/dump: host pause\s+\S.*\(V8 writer\)/);
    expect(table).not.toMatch(/\x1b\[/);
  });
});

import { describe, expect, it } from "vitest";
import { memoryGrowth, parseStats } from "./memory-growth.js";

const MiB = 1024 * 1024;
/** Samples whose figures move by the given steps (in MiB) from a realistic start. */
function series(steps: { heap?: number; external?: number; rss?: number }, count = 6) {
  return Array.from({ length: count }, (_, i) => ({
    heapUsed: 40 * MiB + i * (steps.heap ?? 0) * MiB,
    external: 2 * MiB + i * (steps.external ?? 0) * MiB,
    rss: 120 * MiB + i * ((steps.rss ?? 0) + (steps.heap ?? 0) + (steps.external ?? 0)) * MiB,
  }));
}

describe("memoryGrowth", () => {
  it("tells JS heap growth", () => {
    expect(memoryGrowth(series({ heap: 2 }))?.verdict).toBe("js-heap");
  });

  it("tells external growth", () => {
    expect(memoryGrowth(series({ external: 1 }))?.verdict).toBe("external");
  });

  it("says the leak is outside the JS heap when only RSS grows", () => {
    const growth = memoryGrowth(series({ rss: 10 }))!;
    expect(growth.verdict).toBe("rss-only");
    expect(growth.message).toMatch(/outside the JS heap/);
  });

  it("calls a flat or jittery run flat", () => {
    expect(memoryGrowth(series({}))?.verdict).toBe("none");
    const jitter = series({}).map((s, i) => ({ ...s, heapUsed: s.heapUsed + (i % 2) * 3 * MiB }));
    expect(memoryGrowth(jitter)?.verdict).toBe("none");
  });

  it("needs two samples", () => {
    expect(memoryGrowth(series({ heap: 2 }, 1))).toBeNull();
  });
});

describe("parseStats", () => {
  it("reads the dumper's stats lines and skips the rest", () => {
    const text = [
      JSON.stringify({ time: 1, rss: 3, heapUsed: 1, heapTotal: 2, external: 4, arrayBuffers: 0 }),
      "not json",
      JSON.stringify({ dump: 2, memoryUsage: { rss: 30, heapUsed: 10, external: 40 } }),
      JSON.stringify({ unrelated: true }),
      "",
    ].join("\n");
    expect(parseStats(text)).toEqual([
      { rss: 3, heapUsed: 1, external: 4 },
      { rss: 30, heapUsed: 10, external: 40 },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { stats } from "./stats.js";

describe("stats", () => {
  it("samples the process's memory, including per-space sizes", () => {
    const sample = stats();
    expect(sample.heapUsed).toBeGreaterThan(0);
    expect(sample.rss).toBeGreaterThanOrEqual(sample.heapTotal);
    expect(Object.keys(sample.spaces)).toContain("old_space");
  });
});

import { describe, expect, it } from "vitest";
import type { HeapGraph } from "./heap-graph.js";
import { totalSelfSize } from "./totals.js";

describe("totalSelfSize", () => {
  it("adds every node's self size", () => {
    const graph = {
      nodeSelfSize: Float64Array.of(0, 16, 32, 8),
    } as unknown as HeapGraph;
    expect(totalSelfSize(graph)).toBe(56);
  });
});

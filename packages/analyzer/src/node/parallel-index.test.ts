import { beforeAll, describe, expect, it } from "vitest";
import { sameBytes } from "../../test/same-bytes.js";
import { takeSnapshot } from "../../test/take-snapshot.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { isShared } from "../graph/shared-memory.js";

// The worker loads the built thread file, so this runs the package as built (turbo builds first).
type NodeLayer = typeof import("./index.js");
const built = "../../dist/node/index.js";

describe("indexes built on two threads", () => {
  let node: NodeLayer;
  let graph: HeapGraph;
  let reference: HeapIndexes;

  beforeAll(async () => {
    node = (await import(/* @vite-ignore */ built)) as NodeLayer;
    const file = takeSnapshot(`
      class Leaf { constructor(i) { this.text = "leaf-" + i; this.next = null; } }
      const leaves = [];
      for (let i = 0; i < 20000; i++) leaves.push(new Leaf(i));
      for (let i = 1; i < leaves.length; i += 7) leaves[i - 1].next = leaves[i];
      globalThis.byName = new Map(leaves.map((leaf, i) => [String(i), leaf]));
      globalThis.weak = new WeakMap([[leaves[3], { value: "held by the key" }]]);
      globalThis.cycle = { leaves };
      globalThis.cycle.self = globalThis.cycle;
    `);
    graph = await node.openSnapshot(file);
    reference = indexHeap(graph);
  });

  it("reads the graph's columns onto shared memory, so the thread needs no copy", () => {
    expect(isShared(graph.firstEdge)).toBe(true);
    expect(isShared(graph.edgeTarget)).toBe(true);
    expect(isShared(graph.edgeKind)).toBe(true);
    expect(isShared(graph.nodeSelfSize)).toBe(true);
  });

  it("gives the same dominators, retained sizes and distances as one thread", async () => {
    const indexes = await node.indexOnTwoThreads(graph);
    expect(sameBytes(indexes.dominator, reference.dominator)).toBe(true);
    expect(sameBytes(indexes.retainedSize, reference.retainedSize)).toBe(true);
    expect(sameBytes(indexes.distance, reference.distance)).toBe(true);
    expect(sameBytes(indexes.inrefs.inrefEdge, reference.inrefs.inrefEdge)).toBe(true);
  });

  it("uses one thread for small heaps, with the same result", async () => {
    const indexes = await node.parallelIndexes(graph, { minNodes: graph.nodeCount + 1 });
    expect(indexes.retainedSize[graph.rootIndex]).toBe(reference.retainedSize[graph.rootIndex]);
  });
});

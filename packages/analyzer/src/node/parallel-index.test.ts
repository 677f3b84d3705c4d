import { readFileSync, writeFileSync } from "node:fs";
import { convertFile } from "@heapmat/dumper";
import { beforeAll, describe, expect, it } from "vitest";
import { sameBytes } from "../../test/same-bytes.js";
import { LEAVES_PROGRAM, takeSnapshot } from "../../test/take-snapshot.js";
import type { HeapGraph, HeapTables } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { isShared } from "../graph/shared-memory.js";
import { identify } from "../queries/identify.js";
import { renderIdentification } from "../queries/render.js";
import { show } from "../queries/show.js";
import type { SnapshotReadError } from "../readers/source.js";

// The worker loads the built thread file, so this runs the package as built (turbo builds first).
type NodeLayer = typeof import("./index.js");
const built = "../../dist/node/index.js";

describe("indexes built on two threads", () => {
  let node: NodeLayer;
  let graph: HeapGraph;
  let reference: HeapIndexes;

  beforeAll(async () => {
    node = (await import(/* @vite-ignore */ built)) as NodeLayer;
    const file = takeSnapshot(LEAVES_PROGRAM);
    graph = await node.openSnapshot(file);
    reference = indexHeap(graph);
  });

  it("reads the graph's columns onto shared memory, so the thread needs no copy", () => {
    expect(isShared(graph.firstEdge)).toBe(true);
    expect(isShared(graph.edgeTarget)).toBe(true);
    expect(isShared(graph.edgeKind)).toBe(true);
    expect(isShared(graph.nodeSelfSize)).toBe(true);
  });

  it("gives the same dominators, retained sizes, distances and edge strengths as one thread", async () => {
    const indexes = await node.indexOnTwoThreads(graph);
    expect(sameBytes(indexes.edgeStrength, reference.edgeStrength)).toBe(true);
    expect(sameBytes(indexes.dominator, reference.dominator)).toBe(true);
    expect(sameBytes(indexes.retainedSize, reference.retainedSize)).toBe(true);
    expect(sameBytes(indexes.distance, reference.distance)).toBe(true);
    expect(sameBytes(indexes.inrefs.inrefEdge, reference.inrefs.inrefEdge)).toBe(true);
  });

  it("uses one thread for small heaps, with the same result, every index computed", async () => {
    const own = { ...graph };
    const indexes = await node.parallelIndexes(own, { minNodes: graph.nodeCount + 1 });
    // Nothing is left for a first query to compute: the edges are not read again...
    Object.defineProperty(own, "edgeKind", {
      get: () => {
        throw new Error("edge kinds read after indexing");
      },
    });
    expect(sameBytes(indexes.dominator, reference.dominator)).toBe(true);
    expect(sameBytes(indexes.retainedSize, reference.retainedSize)).toBe(true);
    expect(sameBytes(indexes.distance, reference.distance)).toBe(true);
    expect(sameBytes(indexes.inrefs.inrefEdge, reference.inrefs.inrefEdge)).toBe(true);
    // ...but for the strength column, left for whoever asks for it: queries read the edge kinds.
    expect(() => indexes.edgeStrength).toThrow("edge kinds read after indexing");
  });
});

describe("readAndIndex", () => {
  let node: NodeLayer;
  let snapshot: string;
  let hmat: string;
  let reference: HeapIndexes;

  beforeAll(async () => {
    node = (await import(/* @vite-ignore */ built)) as NodeLayer;
    snapshot = takeSnapshot(`
      class Order { constructor(i) { this.id = i; this.lines = [{ sku: "sku-" + (i % 97) }]; } }
      globalThis.orders = new Map();
      for (let i = 0; i < 30000; i++) globalThis.orders.set(i, new Order(i));
    `);
    hmat = snapshot.replace(/\.heapsnapshot$/, ".hmat");
    await convertFile(snapshot, hmat);
    reference = indexHeap(await node.openSnapshot(snapshot));
  });

  it("has the .hmat reader hand over the graph's own node and edge columns before it ends", async () => {
    const handed: HeapTables[] = [];
    const graph = await node.openSnapshot(hmat, { onTables: (tables) => handed.push(tables) });
    expect(handed).toHaveLength(1);
    const [tables] = handed;
    for (const column of ["firstEdge", "edgeTarget", "edgeKind", "nodeSelfSize"] as const)
      expect(tables![column], column).toBe(graph[column]);
    expect(tables!.nodeCount).toBe(graph.nodeCount);
    expect(tables!.edgeCount).toBe(graph.edgeCount);
  });

  it("gives the indexes of one thread, from a .hmat (begun early) and a .heapsnapshot", async () => {
    for (const [file, earlyThreadBytes] of [
      [hmat, undefined],
      [hmat, 0],
      [snapshot, undefined],
      [snapshot, 0],
    ] as const) {
      const { graph, indexes } = await node.readAndIndex(file, {
        minNodes: 0,
        edgesThreadMinBytes: 0,
        ...(earlyThreadBytes === 0 && { earlyThreadBytes }),
      });
      expect(graph.nodeCount).toBe(reference.graph.nodeCount);
      expect(sameBytes(indexes.edgeStrength, reference.edgeStrength), file).toBe(true);
      expect(sameBytes(indexes.dominator, reference.dominator), file).toBe(true);
      expect(sameBytes(indexes.retainedSize, reference.retainedSize), file).toBe(true);
      expect(sameBytes(indexes.distance, reference.distance), file).toBe(true);
      expect(sameBytes(indexes.inrefs.inrefSource, reference.inrefs.inrefSource), file).toBe(true);
    }
  });

  it("indexes on one thread when that suffices, though a thread was started before the read", async () => {
    const { indexes } = await node.readAndIndex(hmat, { earlyThreadBytes: 0, minNodes: 1e9 });
    expect(sameBytes(indexes.dominator, reference.dominator)).toBe(true);
  });

  it("leaves a .hmat's strings unmade, for the first queries too, which answer the same", async () => {
    const { graph, indexes } = await node.readAndIndex(hmat, { minNodes: 0 });
    expect(graph.lazyStrings?.materialized).toBe(false);
    const wanted = reference.graph.strings.indexOf("Order");
    const order = reference.graph.nodeName.indexOf(wanted);
    const id = reference.graph.nodeId[order]!;
    const lines = (index: HeapIndexes) => {
      const node = index.nodeIndexOf(id);
      return [renderIdentification(identify(index, node)), JSON.stringify(show(index, node))];
    };
    expect(lines(indexes)).toEqual(lines(reference));
    expect(graph.lazyStrings?.materialized).toBe(false);
  });

  it("reports a file cut after its tables as the reader does, the begun work dropped", async () => {
    const bytes = readFileSync(hmat);
    const cut = hmat.replace(/\.hmat$/, "-cut.hmat");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 64));
    const handed: HeapTables[] = [];
    const read = node.openSnapshot(cut, { onTables: (tables) => handed.push(tables) });
    const expected = await read.catch((error: unknown) => error);
    expect(handed, "the tables come before the cut").toHaveLength(1);
    // The built package's error class, not this source's: compared by name and fields.
    expect((expected as SnapshotReadError).name).toBe("SnapshotReadError");
    const error = await node.readAndIndex(cut, { minNodes: 0 }).catch((e: unknown) => e);
    expect(error).toEqual(expected);
    expect((error as SnapshotReadError).truncated).toBe(true);
  });
});

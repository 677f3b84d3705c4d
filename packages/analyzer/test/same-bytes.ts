import type { HeapGraph } from "../src/graph/heap-graph.js";

/** Byte equality of two typed arrays: vitest's deep equality walks them element by element, slowly. */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    Buffer.compare(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

/** A heap graph's columns, each an array or null. */
export const GRAPH_COLUMNS = [
  "nodeKind",
  "nodeName",
  "nodeId",
  "nodeSelfSize",
  "nodeTraceId",
  "nodeDetachedness",
  "firstEdge",
  "edgeKind",
  "edgeName",
  "edgeTarget",
] as const;

/** What differs between two reads of one heap, by name: counts, columns (as bytes), strings. */
export function graphDifferences(a: HeapGraph, b: HeapGraph): string[] {
  const differ: string[] = [];
  if (a.nodeCount !== b.nodeCount) differ.push("nodeCount");
  if (a.edgeCount !== b.edgeCount) differ.push("edgeCount");
  for (const name of GRAPH_COLUMNS) {
    const [x, y] = [a[name], b[name]];
    if (x === null || y === null ? x !== y : !sameBytes(x, y)) differ.push(name);
  }
  const strings =
    a.strings.length === b.strings.length && a.strings.every((s, i) => s === b.strings[i]);
  if (!strings) differ.push("strings");
  return differ;
}

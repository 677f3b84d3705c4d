import { describe, type HeapGraph, type HeapIndexes, label } from "@heapmat/analyzer";
import { nodeKindName, nodeNameOf } from "../naming/edges.js";

/** A short name for a node in listings: `SessionRecord @123`, `'s1' @125`, `{a, b} @127`. */
export function objectLabel(graph: HeapGraph, node: number): string {
  return label(graph, node);
}

/** `SessionRecord @123 (40 B, retains 1.2 KiB)`. */
export function objectWithSizes(indexes: HeapIndexes, node: number): string {
  return describe(indexes, node);
}

/** A node for --json: enough to find it again and to read it. */
export function objectJson(graph: HeapGraph, node: number) {
  return {
    id: graph.nodeId[node]!,
    kind: nodeKindName(graph, node),
    name: nodeNameOf(graph, node),
    selfSize: graph.nodeSelfSize[node]!,
  };
}

/** "1 value", "3 values". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

/** `$3 ` markers that name listed objects for the next command, padded to line up. */
export function marker(n: number, total: number): string {
  return `$${n}`.padEnd(String(total).length + 2);
}

import type { HeapGraph } from "@heapmat/analyzer";

// Small readers over the graph's edge columns, for walking names the user typed.

/** An edge's name as text: its string, or its element index. */
export function edgeLabel(graph: HeapGraph, edge: number): string {
  const kind = graph.edgeKind[edge]!;
  const name = graph.edgeName[edge]!;
  return graph.edgeKindIsIndex[kind] ? String(name) : (graph.strings[name] ?? "");
}

export function edgeKindName(graph: HeapGraph, edge: number): string {
  return graph.edgeKinds[graph.edgeKind[edge]!] ?? "";
}

export function nodeKindName(graph: HeapGraph, node: number): string {
  return graph.nodeKinds[graph.nodeKind[node]!] ?? "";
}

export function nodeNameOf(graph: HeapGraph, node: number): string {
  return graph.strings[graph.nodeName[node]!] ?? "";
}

/** The target of `node`'s first edge of one of `kinds` named `name`, or -1. */
export function edgeTo(graph: HeapGraph, node: number, kinds: readonly string[], name: string) {
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (kinds.includes(edgeKindName(graph, e)) && edgeLabel(graph, e) === name) {
      return graph.edgeTarget[e]!;
    }
  }
  return -1;
}

/** Names of `node`'s edges of the given kinds (for "did you mean" and completion). */
export function edgeNames(graph: HeapGraph, node: number, kinds: readonly string[]): string[] {
  const names: string[] = [];
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (kinds.includes(edgeKindName(graph, e))) names.push(edgeLabel(graph, e));
  }
  return names;
}

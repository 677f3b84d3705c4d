import type { HeapGraph } from "../heap-graph.js";

// Builds small hand-written graphs for unit tests of the index algorithms (integration tests use
// real V8 snapshots instead).

export type SmallEdge = [from: number, to: number, kind?: string, name?: string];

/** A graph of `sizes.length` nodes (node 0 the root; ids 1, 3, 5...) and the given edges. */
export function smallGraph(sizes: number[], edges: SmallEdge[]): HeapGraph {
  const edgeKinds = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];
  const strings: string[] = [""];
  const interned = new Map([["", 0]]);
  const intern = (text: string) => {
    let at = interned.get(text);
    if (at === undefined) {
      at = strings.push(text) - 1;
      interned.set(text, at);
    }
    return at;
  };
  const nodeCount = sizes.length;
  const sorted = edges
    .map(([from, to, kind = "property", name = `e${from}_${to}`], order) => ({
      from,
      to,
      kind: edgeKinds.indexOf(kind),
      name: intern(name),
      order,
    }))
    .sort((a, b) => a.from - b.from || a.order - b.order);
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (const edge of sorted) firstEdge[edge.from + 1]!++;
  for (let i = 0; i < nodeCount; i++) firstEdge[i + 1]! += firstEdge[i]!;
  return {
    info: { format: "heapsnapshot" },
    nodeCount,
    edgeCount: sorted.length,
    strings,
    nodeKinds: ["hidden", "array", "string", "object", "code", "closure", "synthetic"],
    edgeKinds,
    edgeKindIsIndex: Uint8Array.from(edgeKinds, (k) => (k === "element" || k === "hidden" ? 1 : 0)),
    nodeKind: new Uint8Array(nodeCount).fill(3),
    nodeName: Uint32Array.from(sizes, (_, i) => intern(`N${i}`)),
    nodeId: Float64Array.from(sizes, (_, i) => i * 2 + 1),
    nodeSelfSize: Float64Array.from(sizes),
    nodeTraceId: null,
    nodeDetachedness: null,
    firstEdge,
    edgeKind: Uint8Array.from(sorted, (e) => e.kind),
    edgeName: Uint32Array.from(sorted, (e) => e.name),
    edgeTarget: Uint32Array.from(sorted, (e) => e.to),
    rootIndex: 0,
    locations: null,
    trace: null,
  };
}

/** Dominators by definition: d dominates v when v is unreachable from the root once d is removed. */
export function naiveDominators(graph: HeapGraph, strong: (edge: number) => boolean): Int32Array {
  const n = graph.nodeCount;
  const reach = (without: number) => {
    const seen = new Uint8Array(n);
    if (without === graph.rootIndex) return seen;
    const todo = [graph.rootIndex];
    seen[graph.rootIndex] = 1;
    while (todo.length > 0) {
      const node = todo.pop()!;
      for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
        const to = graph.edgeTarget[e]!;
        if (!strong(e) || seen[to] || to === without) continue;
        seen[to] = 1;
        todo.push(to);
      }
    }
    return seen;
  };
  const all = reach(-1);
  // dominates[d][v]: removing d cuts v off.
  const dominates = Array.from({ length: n }, (_, d) => {
    const seen = reach(d);
    return Uint8Array.from(all, (r, v) => (r && !seen[v] && v !== d ? 1 : 0));
  });
  const idom = new Int32Array(n).fill(-1);
  idom[graph.rootIndex] = graph.rootIndex;
  for (let v = 0; v < n; v++) {
    if (!all[v] || v === graph.rootIndex) continue;
    // The immediate dominator is the strict dominator dominated by all the others.
    let best = -1;
    for (let d = 0; d < n; d++) {
      if (!dominates[d]![v]) continue;
      if (best < 0 || dominates[best]![d]) best = d;
    }
    idom[v] = best;
  }
  return idom;
}

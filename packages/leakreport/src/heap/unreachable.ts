import {
  EdgeStrength,
  type HeapGraph,
  type HeapIndexes,
  strengthOfEdge,
  UNREACHABLE,
} from "@heapmat/analyzer";

/** The name of the root's edge to the head of something no root reaches. */
export const UNREACHED_EDGE = "no root (a cycle, or a count never dropped)";

/**
 * In a heap freed by reference counting (Perl), what no root reaches is leaked, most often a cycle.
 * Returns the graph with the root also holding one head per such part, so that dominators, paths
 * and leaked structures cover it: a cycle then heads its own structure. Heads are picked
 * greedily, the objects with the most outgoing strong edges first (a hash before the REF that
 * points back at it, before its scalars). Node indexes are unchanged.
 */
export function withUnreachedHeads(indexes: HeapIndexes): HeapGraph {
  const { graph, distance } = indexes;
  const strengthOf = strengthOfEdge(graph);
  const { firstEdge, edgeTarget, rootIndex, nodeCount } = graph;
  const unreached: number[] = [];
  const degree = new Uint32Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    if (distance[i] !== UNREACHABLE || i === rootIndex) continue;
    unreached.push(i);
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e++)
      if (strengthOf(e, i) === EdgeStrength.strong) degree[i]!++;
  }
  if (unreached.length === 0) return graph;
  unreached.sort((a, b) => degree[b]! - degree[a]! || a - b);

  const seen = new Uint8Array(nodeCount);
  const heads: number[] = [];
  const stack: number[] = [];
  for (const head of unreached) {
    if (seen[head]) continue;
    heads.push(head);
    seen[head] = 1;
    stack.push(head);
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e++) {
        const w = edgeTarget[e]!;
        if (strengthOf(e, v) !== EdgeStrength.strong || seen[w] || distance[w] !== UNREACHABLE)
          continue;
        seen[w] = 1;
        stack.push(w);
      }
    }
  }
  return addRootEdges(graph, heads);
}

/** A copy of the edge columns with edges from the root to `targets` added after its own. */
function addRootEdges(graph: HeapGraph, targets: number[]): HeapGraph {
  const { firstEdge, rootIndex, edgeCount } = graph;
  const at = firstEdge[rootIndex + 1]!;
  const n = targets.length;
  const strong = Math.max(0, graph.edgeKinds.indexOf("strong"));
  const nameIndex = graph.strings.length;
  const edgeKind = new Uint8Array(edgeCount + n);
  const edgeName = new Uint32Array(edgeCount + n);
  const edgeTarget = new Uint32Array(edgeCount + n);
  for (const [to, from] of [
    [edgeKind, graph.edgeKind],
    [edgeName, graph.edgeName],
    [edgeTarget, graph.edgeTarget],
  ] as const) {
    to.set(from.subarray(0, at));
    to.set(from.subarray(at, edgeCount), at + n);
  }
  edgeKind.fill(strong, at, at + n);
  edgeName.fill(nameIndex, at, at + n);
  edgeTarget.set(targets, at);
  const first = firstEdge.slice();
  for (let i = rootIndex + 1; i < first.length; i++) first[i]! += n;
  return {
    ...graph,
    strings: [...graph.strings, UNREACHED_EDGE],
    edgeCount: edgeCount + n,
    firstEdge: first,
    edgeKind,
    edgeName,
    edgeTarget,
  };
}

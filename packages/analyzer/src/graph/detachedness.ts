import type { HeapGraph } from "./heap-graph.js";

const ATTACHED = 1;
const DETACHED = 2;

/**
 * Detachedness per node (0 unknown, 1 attached, 2 detached), spread from the embedder nodes whose
 * state the file gives to the embedder (`native`) nodes they reach, as DevTools does: attached
 * wins; JavaScript objects neither take nor pass on a state; hidden and weak edges don't count.
 * DevTools shows detached native nodes as "Detached <name>". Null when the file has no states.
 */
export function propagateDetachedness(graph: HeapGraph): Uint8Array | null {
  const given = graph.nodeDetachedness;
  if (given === null) return null;
  const { nodeCount, nodeKind, firstEdge, edgeTarget, edgeKind, edgeKinds } = graph;
  const native = graph.nodeKinds.indexOf("native");
  const skipEdge = edgeKinds.map((k) => k === "hidden" || k === "invisible" || k === "weak");
  const state = new Uint8Array(nodeCount);
  const visited = new Uint8Array(nodeCount);
  const attached: number[] = [];
  const detached: number[] = [];
  const reach = (node: number, newState: number) => {
    if (visited[node]) return;
    visited[node] = 1;
    if (nodeKind[node] !== native) return;
    state[node] = newState;
    (newState === ATTACHED ? attached : detached).push(node);
  };
  const spread = (node: number, newState: number) => {
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++)
      if (!skipEdge[edgeKind[e]!]) reach(edgeTarget[e]!, newState);
  };
  for (let i = 0; i < nodeCount; i++) if (given[i] !== 0) reach(i, given[i]!);
  while (attached.length > 0) spread(attached.pop()!, ATTACHED);
  while (detached.length > 0) {
    const node = detached.pop()!;
    if (state[node] === DETACHED) spread(node, DETACHED);
  }
  return state;
}

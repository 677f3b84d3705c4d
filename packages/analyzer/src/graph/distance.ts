import { parseEphemeron } from "./edge-strength.js";
import type { HeapGraph } from "./heap-graph.js";
import { EdgeStrength, UNREACHABLE } from "./heap-index.js";

/**
 * Breadth-first hops from the root over strong edges. A WeakMap value is reached only once both its
 * key and its table are reached (as DevTools does), so its distance is one more than the farther.
 */
export function bfsDistances(
  graph: HeapGraph,
  strength: Uint8Array,
  ephemeronNames: Uint8Array | null,
  nodeIndexOf: (id: number) => number,
): Uint32Array {
  const { nodeCount, firstEdge, edgeTarget, edgeKind, edgeName, rootIndex } = graph;
  const internal = graph.edgeKinds.indexOf("internal");
  const distance = new Uint32Array(nodeCount).fill(UNREACHABLE);
  const queue = new Uint32Array(nodeCount);
  let head = 0;
  let tail = 0;
  distance[rootIndex] = 0;
  queue[tail++] = rootIndex;
  while (head < tail) {
    const node = queue[head++]!;
    const next = distance[node]! + 1;
    const end = firstEdge[node + 1]!;
    for (let e = firstEdge[node]!; e < end; e++) {
      if (strength[e] !== EdgeStrength.strong) continue;
      const target = edgeTarget[e]!;
      if (distance[target] !== UNREACHABLE) continue;
      if (
        ephemeronNames !== null &&
        edgeKind[e] === internal &&
        ephemeronNames[edgeName[e]!] === 1 &&
        !partnerReached(graph, node, edgeName[e]!, distance, nodeIndexOf)
      )
        continue;
      distance[target] = next;
      queue[tail++] = target;
    }
  }
  return distance;
}

/** For a WeakMap edge from the key (or the table), whether the table (or the key) is reached. */
function partnerReached(
  graph: HeapGraph,
  node: number,
  name: number,
  distance: Uint32Array,
  nodeIndexOf: (id: number) => number,
): boolean {
  const pair = parseEphemeron(graph.strings[name]!);
  if (pair === null) return true;
  const partnerId = graph.nodeId[node] === pair.tableId ? pair.keyId : pair.tableId;
  const partner = nodeIndexOf(partnerId);
  return partner < 0 || distance[partner] !== UNREACHABLE;
}

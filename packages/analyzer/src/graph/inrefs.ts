import type { HeapGraph } from "./heap-graph.js";
import type { Inrefs } from "./heap-index.js";
import { sharedArray } from "./shared-memory.js";

/**
 * Reverse edges in CSR form, built in two passes over the edge columns (count, then place), on
 * shared memory for the dominator thread (see node/parallel-index.ts).
 */
export function buildInrefs(graph: HeapGraph): Inrefs {
  const { nodeCount, edgeCount, firstEdge, edgeTarget } = graph;
  const firstInref = sharedArray(Uint32Array, nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) firstInref[edgeTarget[e]! + 1]!++;
  for (let i = 0; i < nodeCount; i++) firstInref[i + 1]! += firstInref[i]!;
  const cursor = firstInref.slice(0, nodeCount);
  const inrefEdge = sharedArray(Uint32Array, edgeCount);
  const inrefSource = sharedArray(Uint32Array, edgeCount);
  for (let source = 0; source < nodeCount; source++) {
    const end = firstEdge[source + 1]!;
    for (let e = firstEdge[source]!; e < end; e++) {
      const at = cursor[edgeTarget[e]!]!++;
      inrefEdge[at] = e;
      inrefSource[at] = source;
    }
  }
  return { firstInref, inrefEdge, inrefSource };
}

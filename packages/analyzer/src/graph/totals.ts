import type { HeapGraph } from "./heap-graph.js";

/** Sum of every node's self size: what the heap holds in total. */
export function totalSelfSize(graph: HeapGraph): number {
  let total = 0;
  const sizes = graph.nodeSelfSize;
  for (let i = 0; i < sizes.length; i++) total += sizes[i]!;
  return total;
}

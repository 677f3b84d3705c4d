// The analyzer's core: free of node: imports so it also runs in a browser worker.
export type {
  AllocationTrace,
  DumpInfo,
  HeapGraph,
  LocationColumns,
} from "./graph/heap-graph.js";
export { totalSelfSize } from "./graph/totals.js";

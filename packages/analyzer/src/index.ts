// The analyzer's core: free of node: imports so it also runs in a browser worker.
export type { AllocationTrace, DumpInfo, HeapGraph, LocationColumns } from "./graph/heap-graph.js";
export { EdgeStrength, type HeapIndexes, type Inrefs, UNREACHABLE } from "./graph/heap-index.js";
export { totalSelfSize } from "./graph/totals.js";
export { readHeapSnapshot } from "./readers/heapsnapshot.js";
export {
  type ByteSource,
  bytesSource,
  type ReadOptions,
  SnapshotReadError,
} from "./readers/source.js";
export { graphFromV8Columns, type V8Columns, type V8Meta } from "./readers/v8-columns.js";

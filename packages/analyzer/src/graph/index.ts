export type { AllocationTrace, DumpInfo, HeapGraph, LocationColumns } from "./heap-graph.js";
export { EdgeStrength, type HeapIndexes, type Inrefs, UNREACHABLE } from "./heap-index.js";
export { totalSelfSize } from "./totals.js";

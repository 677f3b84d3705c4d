export { bfsDistances } from "./distance.js";
export { buildDominatorTree, type DominatorTree } from "./dominators.js";
export { type EphemeronPair, edgeStrengths, parseEphemeron } from "./edge-strength.js";
export type { AllocationTrace, DumpInfo, HeapGraph, LocationColumns } from "./heap-graph.js";
export { EdgeStrength, type HeapIndexes, type Inrefs, UNREACHABLE } from "./heap-index.js";
export { indexHeap } from "./indexes.js";
export { buildInrefs } from "./inrefs.js";
export { totalSelfSize } from "./totals.js";

export { type AllocationFrame, allocationStack } from "./allocation-stack.js";
export { propagateDetachedness } from "./detachedness.js";
export { bfsDistances } from "./distance.js";
export { type DominatorChildren, dominatorChildren } from "./dominator-children.js";
export {
  buildDominatorTree,
  type DominatorInput,
  type DominatorTree,
  dominatorInput,
} from "./dominators.js";
export {
  type EphemeronPair,
  edgeStrengths,
  parseEphemeron,
  type StrengthRule,
  strengthOfEdge,
  strengthRule,
} from "./edge-strength.js";
export type {
  AllocationTrace,
  DumpInfo,
  HeapGraph,
  HeapTables,
  LocationColumns,
} from "./heap-graph.js";
export {
  EdgeStrength,
  forPointReads,
  forReferrersOf,
  type HeapIndexes,
  type Inrefs,
  UNREACHABLE,
} from "./heap-index.js";
export { type Histogram, histogram } from "./histogram.js";
export { indexHeap, type PrecomputedIndexes } from "./indexes.js";
export { buildInrefs } from "./inrefs.js";
export {
  type LazyStrings,
  lazyStrings,
  pointStrings,
  type StringTexts,
  stringsContaining,
} from "./lazy-strings.js";
export { type ModuleSizes, moduleSizes } from "./module-sizes.js";
export { totalSelfSize } from "./totals.js";

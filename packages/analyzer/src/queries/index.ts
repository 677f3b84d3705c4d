// Queries over an indexed heap: identify, show, find, count, largest, roots, globals, strings, diff.
export {
  checkNode,
  closurePhrase,
  describe,
  functionName,
  label,
  type SourceLocation,
  scriptName,
  sourceLocation,
  typeName,
} from "./describe.js";
export { type DiffRow, diff, type HeapDiff, type Tally } from "./diff.js";
export { type EdgeInfo, inrefs, outrefs } from "./edges.js";
export {
  compileFilter,
  type Filter,
  FilterSyntaxError,
  find,
  parseFilters,
  type Range,
} from "./find.js";
export { baseName, formatBytes } from "./format.js";
export {
  type Identification,
  type IdentifyOptions,
  identify,
  type RetainerStep,
  type Retainers,
  retainersOf,
} from "./identify.js";
export { freesByRefcount, lifelongKinds } from "./lifetime.js";
export { renderIdentification } from "./render.js";
export { globalObjects, type PathEnd, type Retainer } from "./retainers.js";
export { globals, type ModuleRow, modules, type NamedObject, roots } from "./roots.js";
export { type EdgeSummary, type ObjectReport, show } from "./show.js";
export { type StringRow, type StringsOptions, strings } from "./strings.js";
export {
  type CountRow,
  count,
  countTotals,
  groupKey,
  type LargestEntry,
  type LargestOptions,
  largest,
} from "./summary.js";

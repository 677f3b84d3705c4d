// Queries over an indexed heap: identify, show, find, count, largest, roots, globals, strings, diff.
export {
  closurePhrase,
  describe,
  functionName,
  label,
  type SourceLocation,
  scriptName,
  sourceLocation,
  typeName,
} from "./describe.js";
export { baseName, formatBytes } from "./format.js";
export {
  type Identification,
  type IdentifyOptions,
  identify,
  type RetainerStep,
  retainersOf,
} from "./identify.js";
export { renderIdentification } from "./render.js";
export { globalObjects, type PathEnd, type Retainer } from "./retainers.js";

export type { MemorySample } from "./analysis/memory-growth.js";
export { memoryGrowth, parseStats } from "./analysis/memory-growth.js";
export { type Candidates, findCandidates, objectKey } from "./candidates.js";
export {
  DumpSequenceError,
  type FindLeaksOptions,
  findLeaks,
  type LoadProgress,
} from "./find-leaks.js";
export { JSON_SCHEMA_VERSION, renderJson } from "./render/json.js";
export { renderPlain } from "./render/plain.js";
export { renderText } from "./render/text.js";
export type * from "./report.js";

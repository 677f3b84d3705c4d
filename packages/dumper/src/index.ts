export { HMAT_MAGIC, HMAT_VERSION } from "./format.js";
export { type MemorySample, stats } from "./stats.js";

export { type ConvertOptions, convertFile, convertHmat } from "./convert.js";
export { type DumpOptions, type DumpResult, dump, dumpSync } from "./dump.js";
export { HMAT_MAGIC, HMAT_VERSION } from "./format-constants.js";
export { type DecodedHmat, decodeHmat, HmatFormatError, writeV8Json } from "./hmat-reader.js";
export { checkMemory, type MemoryCheck } from "./memory.js";
export { trackAllocations } from "./profiler.js";
export { configure, type Settings } from "./settings.js";
export { type MemorySample, type StatsOptions, stats, type WatchOptions, watch } from "./stats.js";
export { tick } from "./tick.js";

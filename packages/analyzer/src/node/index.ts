// The thin Node layer: file I/O around the core readers, and a progress bar for CLIs.

export {
  type IndexedSnapshot,
  indexCachePath,
  loadCachedSnapshot,
  loadIndexCache,
  openIndexed,
  saveIndexCache,
  snapshotCacheKey,
} from "./cache.js";
export { fileSource, type OpenOptions, openSnapshot } from "./open.js";
export {
  indexOnTwoThreads,
  type ParallelIndexOptions,
  parallelIndexes,
  type ReadAndIndexOptions,
  readAndIndex,
} from "./parallel-index.js";
export { type ProgressBar, type ProgressBarOptions, progressBar } from "./progress.js";

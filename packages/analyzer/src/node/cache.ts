import { createHash } from "node:crypto";
import { open, rename, stat, unlink, writeFile } from "node:fs/promises";
import type { PackedSource } from "../cache/aligned-columns.js";
import {
  cacheKeyMatches,
  decodeCachedSnapshot,
  decodeIndexCache,
  encodeIndexCache,
  type IndexCacheKey,
} from "../cache/index-cache.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import type { ReadOptions } from "../readers/source.js";
import { openSnapshot } from "./open.js";
import { parallelIndexes, readAndIndex } from "./parallel-index.js";
import { closeSidecarFile, openSidecarFile } from "./sidecar-file.js";

// The sidecar index cache on disk: `<snapshot>.hmidx` next to the snapshot.
//
// The key is the file's size and mtime plus a SHA-256 of its first and last MiB. Hashing the
// whole file would cost as much as reading it (seconds for gigabytes), which is what the cache
// is there to avoid; a snapshot is written once and never edited in place, and its head (meta,
// first nodes) and tail (strings) change with any other heap, so size + mtime + ends is enough.

const CHUNK = 1 << 20;

/** Where the cache of `snapshotPath` lives. */
export function indexCachePath(snapshotPath: string): string {
  return `${snapshotPath}.hmidx`;
}

/** The cache key of a snapshot file: size, mtime, and a hash of its first and last MiB. */
export async function snapshotCacheKey(snapshotPath: string): Promise<IndexCacheKey> {
  const info = await stat(snapshotPath);
  const hash = createHash("sha256");
  const file = await open(snapshotPath, "r");
  try {
    const head = Buffer.alloc(Math.min(CHUNK, info.size));
    await file.read(head, 0, head.length, 0);
    hash.update(head);
    const tailStart = Math.max(head.length, info.size - CHUNK);
    const tail = Buffer.alloc(info.size - tailStart);
    await file.read(tail, 0, tail.length, tailStart);
    hash.update(tail);
  } finally {
    await file.close();
  }
  return { size: info.size, mtimeMs: info.mtimeMs, checksum: hash.digest("hex") };
}

/** Reads the cached indexes of a snapshot (each on first use), or null when absent or stale. */
export async function loadIndexCache(
  snapshotPath: string,
  graph: HeapGraph,
  key?: IndexCacheKey,
): Promise<HeapIndexes | null> {
  const sidecar = openSidecar(snapshotPath);
  if (!sidecar) return null;
  const indexes = decodeIndexCache(sidecar, graph, key ?? (await snapshotCacheKey(snapshotPath)));
  if (!indexes) closeSidecarFile(sidecar);
  return indexes;
}

/**
 * Re-opens a snapshot from its sidecar cache alone (graph and indexes, without reading the
 * snapshot), or null when the cache is absent, stale, damaged or holds the indexes only. Columns
 * are read on first use, from the sidecar as it was opened now.
 */
export async function loadCachedSnapshot(
  snapshotPath: string,
  key?: IndexCacheKey,
): Promise<{ graph: HeapGraph; indexes: HeapIndexes } | null> {
  const sidecar = openSidecar(snapshotPath);
  if (!sidecar) return null;
  const cached = decodeCachedSnapshot(
    sidecar,
    key ?? (await snapshotCacheKey(snapshotPath)),
    snapshotPath,
  );
  if (!cached) closeSidecarFile(sidecar);
  return cached;
}

function openSidecar(snapshotPath: string): PackedSource | null {
  return openSidecarFile(indexCachePath(snapshotPath));
}

/** Writes the indexes' cache next to the snapshot, atomically (temp file, then rename). */
export async function saveIndexCache(
  snapshotPath: string,
  indexes: HeapIndexes,
  key?: IndexCacheKey,
): Promise<void> {
  const bytes = encodeIndexCache(indexes, key ?? (await snapshotCacheKey(snapshotPath)));
  const target = indexCachePath(snapshotPath);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

export interface IndexedSnapshot {
  graph: HeapGraph;
  indexes: HeapIndexes;
  /** "hit": read from the cache; "written": computed and cached; "unwritable": computed, not cached. */
  cache: "hit" | "written" | "unwritable";
}

/**
 * Opens a snapshot with its indexes: from the sidecar cache alone when it matches (the snapshot
 * itself is not read), else read and computed in full and cached for next time (a read-only
 * folder only means no cache).
 */
export async function openIndexed(
  snapshotPath: string,
  options: ReadOptions = {},
): Promise<IndexedSnapshot> {
  const key = await snapshotCacheKey(snapshotPath).catch(() => null);
  let sidecar = key && openSidecar(snapshotPath);
  if (key && sidecar) {
    const cached = decodeCachedSnapshot(sidecar, key, snapshotPath);
    if (cached) return { ...cached, cache: "hit" };
    if (!cacheKeyMatches(sidecar, key)) {
      closeSidecarFile(sidecar);
      sidecar = null;
    }
  }
  if (key && !sidecar) {
    // Nothing cached: every index is wanted, begun while the file is still being read.
    const { graph, indexes } = await readAndIndex(snapshotPath, options);
    return saved(snapshotPath, graph, indexes, key);
  }
  const graph = await openSnapshot(snapshotPath, options);
  if (!key) return { graph, indexes: indexHeap(graph), cache: "unwritable" };
  // A cache of the indexes alone (a .pmat's) still saves computing them.
  const cachedIndexes = sidecar && decodeIndexCache(sidecar, graph, key);
  if (cachedIndexes) return { graph, indexes: cachedIndexes, cache: "hit" };
  if (sidecar) closeSidecarFile(sidecar);
  // The cache needs every index: build them all now, on two threads where that pays.
  return saved(snapshotPath, graph, await parallelIndexes(graph), key);
}

/** The snapshot, its sidecar written beside it if it can be. */
async function saved(
  snapshotPath: string,
  graph: HeapGraph,
  indexes: HeapIndexes,
  key: IndexCacheKey,
): Promise<IndexedSnapshot> {
  try {
    await saveIndexCache(snapshotPath, indexes, key);
    return { graph, indexes, cache: "written" };
  } catch {
    return { graph, indexes, cache: "unwritable" };
  }
}

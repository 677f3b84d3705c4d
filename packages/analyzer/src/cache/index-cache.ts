import { Packr } from "msgpackr";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import type { PrecomputedIndexes } from "../graph/indexes.js";

// The sidecar index cache's bytes: the costly per-node indexes (distances, dominators, retained
// sizes) as raw little-endian typed-array bytes in a MessagePack map, with the key of the snapshot
// they were computed from. Inrefs and edge strength are not stored: rebuilding them is a linear
// pass, cheaper than reading them back. No node: imports; the Node layer does the files.

/** Identifies the snapshot file a cache belongs to. How it is computed is up to the caller. */
export interface IndexCacheKey {
  size: number;
  mtimeMs: number;
  /** A checksum of (part of) the file's bytes. */
  checksum: string;
}

const FORMAT = "heapmat-index-cache";
/** Bump when an index's meaning changes (edge strength rules, algorithms): old caches are ignored. */
export const INDEX_CACHE_VERSION = 1;

const packr = new Packr({ useRecords: false });

/** Encodes the indexes' costly parts (computing them if needed) with the snapshot's key. */
export function encodeIndexCache(indexes: HeapIndexes, key: IndexCacheKey): Uint8Array {
  const { graph } = indexes;
  return packr.pack({
    format: FORMAT,
    version: INDEX_CACHE_VERSION,
    key,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    distance: bytesOf(indexes.distance),
    dominator: bytesOf(indexes.dominator),
    retainedSize: bytesOf(indexes.retainedSize),
  });
}

/**
 * Decodes a cache for `graph`, or returns null when it belongs to another snapshot (key or shape
 * differs), to another version, or is damaged: a cache is only ever a shortcut.
 */
export function decodeIndexCache(
  bytes: Uint8Array,
  graph: HeapGraph,
  key: IndexCacheKey,
): PrecomputedIndexes | null {
  let data: Record<string, unknown>;
  try {
    data = packr.unpack(bytes) as Record<string, unknown>;
  } catch {
    return null;
  }
  const stored = data?.key as IndexCacheKey | undefined;
  if (
    data?.format !== FORMAT ||
    data.version !== INDEX_CACHE_VERSION ||
    stored?.size !== key.size ||
    stored.mtimeMs !== key.mtimeMs ||
    stored.checksum !== key.checksum ||
    data.nodeCount !== graph.nodeCount ||
    data.edgeCount !== graph.edgeCount
  )
    return null;
  const n = graph.nodeCount;
  const distance = typed(data.distance, Uint32Array, n);
  const dominator = typed(data.dominator, Uint32Array, n);
  const retainedSize = typed(data.retainedSize, Float64Array, n);
  if (!distance || !dominator || !retainedSize) return null;
  return { distance, dominator, retainedSize };
}

function bytesOf(array: Uint32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function typed<T extends Uint32Array | Float64Array>(
  value: unknown,
  Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T | null {
  if (!(value instanceof Uint8Array) || value.byteLength !== length * Type.BYTES_PER_ELEMENT)
    return null;
  // Copy into a fresh buffer: the decoded bytes may sit at any offset inside the file's buffer.
  const copy = new Uint8Array(value.byteLength);
  copy.set(value);
  return new Type(copy.buffer);
}

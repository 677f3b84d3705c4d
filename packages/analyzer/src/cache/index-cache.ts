import { Packr } from "msgpackr";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import type { PrecomputedIndexes } from "../graph/indexes.js";

// The sidecar index cache's bytes. No node: imports; the Node layer does the files.
//
//   "HMIDX\0\0\1"  magic (8 bytes)
//   u32 LE         length of the header
//   header         MessagePack (msgpackr): format version, the snapshot's key, node and edge
//                  counts, and where each array lies: { name, offset, byteLength }
//   arrays         raw little-endian typed-array bytes, each at an offset that is a multiple of 8
//
// Aligned raw arrays decode without a copy: each becomes a typed-array view on the file's bytes,
// so re-opening costs little more than reading the file. Stored: edge strength, inrefs, distances,
// dominators and retained sizes (what identify and the size queries need at once).

/** Identifies the snapshot file a cache belongs to. How it is computed is up to the caller. */
export interface IndexCacheKey {
  size: number;
  mtimeMs: number;
  /** A checksum of (part of) the file's bytes. */
  checksum: string;
}

/** Bump when an index's meaning changes (edge strength rules, algorithms): old caches are ignored. */
export const INDEX_CACHE_VERSION = 2;

const MAGIC = [0x48, 0x4d, 0x49, 0x44, 0x58, 0, 0, 1]; // "HMIDX" 0 0 1
const packr = new Packr({ useRecords: false });

type Column = Uint8Array | Uint32Array | Float64Array;
const COLUMNS = {
  edgeStrength: Uint8Array,
  firstInref: Uint32Array,
  inrefEdge: Uint32Array,
  inrefSource: Uint32Array,
  distance: Uint32Array,
  dominator: Uint32Array,
  retainedSize: Float64Array,
} as const;
type ColumnName = keyof typeof COLUMNS;

interface Header {
  version: number;
  key: IndexCacheKey;
  nodeCount: number;
  edgeCount: number;
  columns: { name: ColumnName; offset: number; byteLength: number }[];
}

/** Encodes the indexes (computing them if needed) with the snapshot's key. */
export function encodeIndexCache(indexes: HeapIndexes, key: IndexCacheKey): Uint8Array {
  const { graph, inrefs } = indexes;
  const arrays: Record<ColumnName, Column> = {
    edgeStrength: indexes.edgeStrength,
    firstInref: inrefs.firstInref,
    inrefEdge: inrefs.inrefEdge,
    inrefSource: inrefs.inrefSource,
    distance: indexes.distance,
    dominator: indexes.dominator,
    retainedSize: indexes.retainedSize,
  };
  const columns: Header["columns"] = [];
  let offset = 0;
  for (const name of Object.keys(COLUMNS) as ColumnName[]) {
    columns.push({ name, offset, byteLength: arrays[name].byteLength });
    offset = align8(offset + arrays[name].byteLength);
  }
  const header: Header = {
    version: INDEX_CACHE_VERSION,
    key,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    columns,
  };
  const head = packr.pack(header);
  const dataStart = align8(12 + head.byteLength);
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(8, head.byteLength, true);
  out.set(head, 12);
  for (const { name, offset: at } of columns) {
    const array = arrays[name];
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + at);
  }
  return out;
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
  if (bytes.byteLength < 12 || MAGIC.some((b, i) => bytes[i] !== b)) return null;
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, 12).getUint32(8, true);
  if (12 + headLength > bytes.byteLength) return null;
  let header: Header;
  try {
    header = packr.unpack(bytes.subarray(12, 12 + headLength)) as Header;
  } catch {
    return null;
  }
  if (
    header?.version !== INDEX_CACHE_VERSION ||
    header.key?.size !== key.size ||
    header.key.mtimeMs !== key.mtimeMs ||
    header.key.checksum !== key.checksum ||
    header.nodeCount !== graph.nodeCount ||
    header.edgeCount !== graph.edgeCount ||
    !Array.isArray(header.columns)
  )
    return null;

  const expected: Record<ColumnName, number> = {
    edgeStrength: graph.edgeCount,
    firstInref: graph.nodeCount + 1,
    inrefEdge: graph.edgeCount,
    inrefSource: graph.edgeCount,
    distance: graph.nodeCount,
    dominator: graph.nodeCount,
    retainedSize: graph.nodeCount,
  };
  const dataStart = align8(12 + headLength);
  const found: Partial<Record<ColumnName, Column>> = {};
  for (const { name, offset, byteLength } of header.columns) {
    const Type = COLUMNS[name];
    if (!Type || byteLength !== expected[name] * Type.BYTES_PER_ELEMENT) return null;
    const start = bytes.byteOffset + dataStart + offset;
    if (dataStart + offset + byteLength > bytes.byteLength) return null;
    found[name] =
      start % Type.BYTES_PER_ELEMENT === 0
        ? new Type(bytes.buffer as ArrayBuffer, start, expected[name])
        : new Type(bytes.slice(dataStart + offset, dataStart + offset + byteLength).buffer);
  }
  const { edgeStrength, firstInref, inrefEdge, inrefSource, distance, dominator, retainedSize } =
    found as Record<ColumnName, Column>;
  if (!edgeStrength || !firstInref || !inrefEdge || !inrefSource) return null;
  if (!distance || !dominator || !retainedSize) return null;
  return {
    edgeStrength: edgeStrength as Uint8Array,
    inrefs: {
      firstInref: firstInref as Uint32Array,
      inrefEdge: inrefEdge as Uint32Array,
      inrefSource: inrefSource as Uint32Array,
    },
    distance: distance as Uint32Array,
    dominator: dominator as Uint32Array,
    retainedSize: retainedSize as Float64Array,
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

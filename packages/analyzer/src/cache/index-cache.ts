import type { AllocationTrace, DumpInfo, HeapGraph, LocationColumns } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import type { PrecomputedIndexes } from "../graph/indexes.js";
import {
  type Column,
  packColumns,
  type UnpackedColumns,
  unpackColumns,
} from "./aligned-columns.js";
import { decodeStrings, encodeStrings, type StringBlock } from "./string-table.js";

// The sidecar cache's bytes (see aligned-columns.ts for the layout). No node: imports; the Node
// layer does the files.
//
// It holds the indexes (edge strength, inrefs, distances, dominators, retained sizes) and, for
// V8 snapshots, the heap graph itself: its columns, strings and dump info. Re-opening then reads
// one file and parses nothing: every column is a view on the file's bytes, and the strings come
// from a few TextDecoder calls.

/** Identifies the snapshot file a cache belongs to. How it is computed is up to the caller. */
export interface IndexCacheKey {
  size: number;
  mtimeMs: number;
  /** A checksum of (part of) the file's bytes. */
  checksum: string;
}

/** Bump when an index's meaning or the layout changes: old caches are ignored. */
export const INDEX_CACHE_VERSION = 3;

const MAGIC = [0x48, 0x4d, 0x49, 0x44, 0x58, 0, 0, 1]; // "HMIDX" 0 0 1

const INDEX_COLUMNS = {
  edgeStrength: Uint8Array,
  firstInref: Uint32Array,
  inrefEdge: Uint32Array,
  inrefSource: Uint32Array,
  distance: Uint32Array,
  dominator: Uint32Array,
  retainedSize: Float64Array,
} as const;

// The graph's own columns, with their type and which count sizes them.
const NODE_COLUMNS = {
  nodeKind: Uint8Array,
  nodeName: Uint32Array,
  nodeId: Float64Array,
  nodeSelfSize: Float64Array,
} as const;
const EDGE_COLUMNS = {
  edgeKind: Uint8Array,
  edgeName: Uint32Array,
  edgeTarget: Uint32Array,
} as const;
const OPTIONAL_NODE_COLUMNS = { nodeTraceId: Uint32Array, nodeDetachedness: Uint8Array } as const;
const LOCATION_COLUMNS = {
  node: Uint32Array,
  scriptId: Uint32Array,
  line: Uint32Array,
  column: Uint32Array,
} as const;
const TRACE_COLUMNS = {
  id: Uint32Array,
  parent: Int32Array,
  functionInfo: Uint32Array,
  count: Uint32Array,
  size: Float64Array,
  functionName: Uint32Array,
  scriptName: Uint32Array,
  scriptId: Uint32Array,
  functionLine: Uint32Array,
  functionColumn: Uint32Array,
} as const;
const TRACE_NODE_COLUMNS = ["id", "parent", "functionInfo", "count", "size"] as const;

interface GraphHead {
  info: DumpInfo;
  nodeKinds: string[];
  edgeKinds: string[];
  rootIndex: number;
  strings: StringBlock[];
}

interface Header {
  version: number;
  key: IndexCacheKey;
  nodeCount: number;
  edgeCount: number;
  graph?: GraphHead;
}

/**
 * Encodes the indexes (computing them if needed) with the snapshot's key, and the graph too unless
 * `withGraph` is false or its dump info cannot travel as MessagePack (a .pmat's details: typed
 * arrays inside; such a cache holds the indexes only).
 */
export function encodeIndexCache(
  indexes: HeapIndexes,
  key: IndexCacheKey,
  withGraph = true,
): Uint8Array {
  const { graph, inrefs } = indexes;
  const columns: Record<string, Column> = {
    edgeStrength: indexes.edgeStrength,
    firstInref: inrefs.firstInref,
    inrefEdge: inrefs.inrefEdge,
    inrefSource: inrefs.inrefSource,
    distance: indexes.distance,
    dominator: indexes.dominator,
    retainedSize: indexes.retainedSize,
  };
  const header: Header = {
    version: INDEX_CACHE_VERSION,
    key,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
  };
  if (withGraph && graph.info.format !== "pmat") {
    const strings = encodeStrings(graph.strings);
    header.graph = {
      info: graph.info,
      nodeKinds: [...graph.nodeKinds],
      edgeKinds: [...graph.edgeKinds],
      rootIndex: graph.rootIndex,
      strings: strings.blocks,
    };
    for (const [name, column] of Object.entries(strings.columns))
      columns[`strings.${name}`] = column;
    const g = graph as unknown as Record<string, Column | null>;
    const own = [NODE_COLUMNS, EDGE_COLUMNS, OPTIONAL_NODE_COLUMNS];
    for (const name of own.flatMap(Object.keys)) if (g[name]) columns[`graph.${name}`] = g[name];
    columns["graph.firstEdge"] = graph.firstEdge;
    columns["graph.edgeKindIsIndex"] = graph.edgeKindIsIndex;
    const groups = { locations: graph.locations, trace: graph.trace };
    for (const [group, value] of Object.entries(groups))
      for (const [name, column] of Object.entries(value ?? {}))
        columns[`${group}.${name}`] = column as Column;
  }
  try {
    return packColumns(MAGIC, header, columns);
  } catch (error) {
    if (!header.graph) throw error;
    return encodeIndexCache(indexes, key, false);
  }
}

/**
 * Decodes a cache's indexes for `graph`, or returns null when it belongs to another snapshot (key
 * or shape differs), to another version, or is damaged: a cache is only ever a shortcut.
 */
export function decodeIndexCache(
  bytes: Uint8Array,
  graph: HeapGraph,
  key: IndexCacheKey,
): PrecomputedIndexes | null {
  const unpacked = unpack(bytes, key);
  if (
    !unpacked ||
    unpacked.header.nodeCount !== graph.nodeCount ||
    unpacked.header.edgeCount !== graph.edgeCount
  )
    return null;
  return indexesOf(unpacked);
}

/** A snapshot re-opened from its cache alone: the graph and its indexes. */
export interface CachedSnapshot {
  graph: HeapGraph;
  indexes: PrecomputedIndexes;
}

/** Decodes the graph and the indexes, or null when the cache has no graph, or is stale or damaged. */
export function decodeCachedSnapshot(bytes: Uint8Array, key: IndexCacheKey): CachedSnapshot | null {
  const unpacked = unpack(bytes, key);
  if (!unpacked) return null;
  const graph = graphOf(unpacked);
  const indexes = graph && indexesOf(unpacked);
  return graph && indexes ? { graph, indexes } : null;
}

/** Whether a cache's bytes belong to the snapshot of `key` (and this version), damaged or not. */
export function cacheKeyMatches(bytes: Uint8Array, key: IndexCacheKey): boolean {
  return unpack(bytes, key) !== null;
}

function unpack(bytes: Uint8Array, key: IndexCacheKey): UnpackedColumns<Header> | null {
  const unpacked = unpackColumns<Header>(MAGIC, bytes);
  const header = unpacked?.header;
  if (
    header?.version !== INDEX_CACHE_VERSION ||
    header.key?.size !== key.size ||
    header.key.mtimeMs !== key.mtimeMs ||
    header.key.checksum !== key.checksum ||
    !Number.isSafeInteger(header.nodeCount) ||
    !Number.isSafeInteger(header.edgeCount)
  )
    return null;
  return unpacked;
}

function indexesOf({ header, column }: UnpackedColumns<Header>): PrecomputedIndexes | null {
  const { nodeCount, edgeCount } = header;
  const lengths: Record<keyof typeof INDEX_COLUMNS, number> = {
    edgeStrength: edgeCount,
    firstInref: nodeCount + 1,
    inrefEdge: edgeCount,
    inrefSource: edgeCount,
    distance: nodeCount,
    dominator: nodeCount,
    retainedSize: nodeCount,
  };
  const found = typedColumns(column, "", INDEX_COLUMNS, (name) => lengths[name]);
  if (!found) return null;
  const { edgeStrength, firstInref, inrefEdge, inrefSource, distance, dominator, retainedSize } =
    found;
  return {
    edgeStrength,
    inrefs: { firstInref, inrefEdge, inrefSource },
    distance,
    dominator,
    retainedSize,
  };
}

function graphOf({ header, column }: UnpackedColumns<Header>): HeapGraph | null {
  const head = header.graph;
  if (!head || typeof head !== "object") return null;
  const { nodeCount, edgeCount } = header;
  const strings = decodeStrings(head.strings, (name) => column(`strings.${name}`));
  const nodes = typedColumns(column, "graph.", NODE_COLUMNS, () => nodeCount);
  const edges = typedColumns(column, "graph.", EDGE_COLUMNS, () => edgeCount);
  const firstEdge = column("graph.firstEdge");
  const edgeKindIsIndex = column("graph.edgeKindIsIndex");
  const nodeTraceId = column("graph.nodeTraceId") ?? null;
  const nodeDetachedness = column("graph.nodeDetachedness") ?? null;
  if (!strings || !nodes || !edges || !Array.isArray(head.nodeKinds)) return null;
  if (!(firstEdge instanceof Uint32Array) || firstEdge.length !== nodeCount + 1) return null;
  if (!(edgeKindIsIndex instanceof Uint8Array) || !Array.isArray(head.edgeKinds)) return null;
  if (nodeTraceId && !(nodeTraceId instanceof Uint32Array && nodeTraceId.length === nodeCount))
    return null;
  if (
    nodeDetachedness &&
    !(nodeDetachedness instanceof Uint8Array && nodeDetachedness.length === nodeCount)
  )
    return null;
  const locations = optionalGroup(column, "locations", LOCATION_COLUMNS, [
    "node",
    "scriptId",
    "line",
    "column",
  ]);
  const trace = optionalGroup(column, "trace", TRACE_COLUMNS, TRACE_NODE_COLUMNS);
  if (locations === undefined || trace === undefined) return null;
  return {
    info: head.info,
    nodeCount,
    edgeCount,
    strings,
    nodeKinds: head.nodeKinds,
    edgeKinds: head.edgeKinds,
    edgeKindIsIndex,
    ...nodes,
    nodeTraceId,
    nodeDetachedness,
    firstEdge,
    ...edges,
    rootIndex: head.rootIndex,
    locations: locations as LocationColumns | null,
    trace: trace as AllocationTrace | null,
  };
}

type Types = Record<string, new (...args: never[]) => Column>;
type Instances<T extends Types> = { [K in keyof T]: InstanceType<T[K]> };

/** The named columns, each of its type and length, or null when one is missing or differs. */
function typedColumns<T extends Types>(
  column: (name: string) => Column | undefined,
  prefix: string,
  types: T,
  length: (name: keyof T) => number,
): Instances<T> | null {
  const found: Record<string, Column> = {};
  for (const name of Object.keys(types)) {
    const value = column(prefix + name);
    if (!(value instanceof types[name]!) || value.length !== length(name)) return null;
    found[name] = value;
  }
  return found as Instances<T>;
}

/**
 * A group of columns stored only when the graph has it (locations, trace): null when absent,
 * undefined when damaged. `sameLength` columns share the first one's length (the trace's tree
 * nodes and its function infos are two tables).
 */
function optionalGroup<T extends Types>(
  column: (name: string) => Column | undefined,
  group: string,
  types: T,
  sameLength: readonly (keyof T & string)[],
): Instances<T> | null | undefined {
  const names = Object.keys(types);
  const present = names.filter((name) => column(`${group}.${name}`) !== undefined);
  if (present.length === 0) return null;
  const first = column(`${group}.${sameLength[0]}`);
  const infos = names.find((name) => !sameLength.includes(name));
  const infoLength = infos ? column(`${group}.${infos}`)?.length : undefined;
  const found = typedColumns(column, `${group}.`, types, (name) =>
    sameLength.includes(name as keyof T & string) ? (first?.length ?? -1) : (infoLength ?? -1),
  );
  return found ?? undefined;
}

import { edgeStrengths } from "../graph/edge-strength.js";
import type { DumpInfo, HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes, Inrefs } from "../graph/heap-index.js";
import { nodeIndexLookup, searchIncreasingIds } from "../graph/node-lookup.js";
import { SnapshotReadError } from "../readers/source.js";
import {
  type Column,
  type PackedSource,
  packColumns,
  packedBytes,
  type UnpackedColumns,
  unpackColumns,
} from "./aligned-columns.js";
import { encodeStrings, type StringBlock, type StringTable, stringTable } from "./string-table.js";

// The sidecar cache's bytes (see aligned-columns.ts for the layout). No node: imports; the Node
// layer does the files.
//
// It holds the indexes (edge strength, inrefs, distances, dominators, retained sizes) and, for
// V8 snapshots, the heap graph itself: its columns, strings and dump info. Re-opening then reads
// one file and parses nothing: the strings come from a few TextDecoder calls, and each column is
// read when first used (a getter on the graph or indexes object), so a query pays only for the
// columns it touches; a point query (identify, show) only for the pages it reads, through
// `forPointReads`. The strings are decoded when first read, too. From bytes in memory, columns
// are views on them.

/** Identifies the snapshot file a cache belongs to. How it is computed is up to the caller. */
export interface IndexCacheKey {
  size: number;
  mtimeMs: number;
  /** A checksum of (part of) the file's bytes. */
  checksum: string;
}

/** Bump when an index's meaning or the layout changes: old caches are ignored. */
export const INDEX_CACHE_VERSION = 5;

const MAGIC = [0x48, 0x4d, 0x49, 0x44, 0x58, 0, 0, 1]; // "HMIDX" 0 0 1

// Not the edge strengths: built from the edge kinds when first read (queries read them by kind).
const INDEX_COLUMNS = {
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
const CSR_COLUMNS = { firstEdge: Uint32Array, edgeKindIsIndex: Uint8Array } as const;
const OPTIONAL_NODE_COLUMNS = { nodeTraceId: Uint32Array, nodeDetachedness: Uint8Array } as const;
const LOCATION_COLUMNS = {
  node: Uint32Array,
  scriptId: Uint32Array,
  line: Uint32Array,
  column: Uint32Array,
} as const;
const LOCATION_NAMES = ["node", "scriptId", "line", "column"] as const;
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
    const own = [NODE_COLUMNS, EDGE_COLUMNS, CSR_COLUMNS, OPTIONAL_NODE_COLUMNS];
    for (const name of own.flatMap(Object.keys)) if (g[name]) columns[`graph.${name}`] = g[name];
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

/** A cache's bytes in memory, or a source reading them on demand (the Node layer's open file). */
export type IndexCacheBytes = Uint8Array | PackedSource;

/**
 * The indexes of a cache for `graph`, or null when it belongs to another snapshot (key or shape
 * differs), to another version, or its column table is damaged: a cache is only ever a shortcut.
 * Each index is read on first use.
 */
export function decodeIndexCache(
  bytes: IndexCacheBytes,
  graph: HeapGraph,
  key: IndexCacheKey,
): HeapIndexes | null {
  const unpacked = unpack(bytes, key);
  if (
    !unpacked ||
    unpacked.header.nodeCount !== graph.nodeCount ||
    unpacked.header.edgeCount !== graph.edgeCount
  )
    return null;
  return indexesOf(unpacked, inMemory(graph));
}

/** A snapshot re-opened from its cache alone: the graph and its indexes. */
export interface CachedSnapshot {
  graph: HeapGraph;
  indexes: HeapIndexes;
}

/**
 * The graph and the indexes, or null when the cache has no graph, or is stale or damaged. Strings,
 * kinds and dump info are read now; each column on first use (`file`, when given, replaces the
 * dump info's: the snapshot may be reached by another path than when the cache was written).
 */
export function decodeCachedSnapshot(
  bytes: IndexCacheBytes,
  key: IndexCacheKey,
  file?: string,
): CachedSnapshot | null {
  const unpacked = unpack(bytes, key);
  if (!unpacked) return null;
  const graph = graphOf(unpacked, file);
  const indexes = graph && indexesOf(unpacked, graph);
  return graph && indexes ? { graph: graph.whole, indexes } : null;
}

/** Whether a cache's bytes belong to the snapshot of `key` (and this version), damaged or not. */
export function cacheKeyMatches(bytes: IndexCacheBytes, key: IndexCacheKey): boolean {
  return unpack(bytes, key) !== null;
}

function unpack(bytes: IndexCacheBytes, key: IndexCacheKey): UnpackedColumns<Header> | null {
  const source = bytes instanceof Uint8Array ? packedBytes(bytes) : bytes;
  const unpacked = unpackColumns<Header>(MAGIC, source);
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

function indexesOf(
  unpacked: UnpackedColumns<Header>,
  graphs: Views<HeapGraph>,
): HeapIndexes | null {
  const { nodeCount, edgeCount } = unpacked.header;
  const lengths: Record<keyof typeof INDEX_COLUMNS, number> = {
    firstInref: nodeCount + 1,
    inrefEdge: edgeCount,
    inrefSource: edgeCount,
    distance: nodeCount,
    dominator: nodeCount,
    retainedSize: nodeCount,
  };
  const column = lazyColumns(unpacked, "", INDEX_COLUMNS, (name) => lengths[name]);
  if (!column) return null;
  let lookup: ((id: number) => number) | undefined;
  // V8 ids are unique and mostly increase along the nodes: a binary search through the pages
  // usually finds one without reading the whole column and building the lookup.
  const unique = graphs.whole.info.format !== "pmat";
  const nodeIndexOf = (id: number) => {
    const found = unique && !lookup ? searchIncreasingIds(graphs.points.nodeId, id) : -1;
    if (found >= 0) return found;
    lookup ??= nodeIndexLookup(graphs.whole.nodeId);
    return lookup(id);
  };
  let strength: Uint8Array | undefined;
  const view = (take: Take, graph: HeapGraph, forPointReads: () => HeapIndexes) => {
    const { inrefEdge, inrefSource, firstInref, ...rest } = column;
    const inrefs = withColumns({}, { firstInref, inrefEdge, inrefSource }, take) as Inrefs;
    const indexes = { graph, inrefs, nodeIndexOf, forPointReads };
    Object.defineProperty(indexes, "edgeStrength", {
      get: () => (strength ??= edgeStrengths(graphs.whole)),
      enumerable: true,
    });
    return withColumns(indexes, rest, take) as unknown as HeapIndexes;
  };
  const points: HeapIndexes = view(
    (c) => c.points(),
    graphs.points,
    () => points,
  );
  return view(
    (c) => c.all(),
    graphs.whole,
    () => points,
  );
}

/** A graph, or indexes, with whole columns, and the same for point reads (point-column.ts). */
interface Views<T> {
  whole: T;
  points: T;
}

/** An in-memory graph: its columns serve point reads as they are. */
function inMemory(graph: HeapGraph): Views<HeapGraph> {
  return { whole: graph, points: graph };
}

function graphOf(unpacked: UnpackedColumns<Header>, file?: string): Views<HeapGraph> | null {
  const { header } = unpacked;
  const head = header.graph;
  if (!head || typeof head !== "object") return null;
  if (!Array.isArray(head.nodeKinds) || !Array.isArray(head.edgeKinds)) return null;
  const { nodeCount, edgeCount } = header;
  const strings = stringsOf(unpacked, head.strings);
  const node = lazyColumns(unpacked, "graph.", NODE_COLUMNS, () => nodeCount);
  const edge = lazyColumns(unpacked, "graph.", EDGE_COLUMNS, () => edgeCount);
  const csr = lazyColumns(unpacked, "graph.", CSR_COLUMNS, (name) =>
    name === "firstEdge" ? nodeCount + 1 : ANY_LENGTH,
  );
  const optional = optionalColumns(unpacked, "graph.", OPTIONAL_NODE_COLUMNS, () => nodeCount);
  const locations = optionalGroup(unpacked, "locations", LOCATION_COLUMNS, LOCATION_NAMES);
  const trace = optionalGroup(unpacked, "trace", TRACE_COLUMNS, TRACE_NODE_COLUMNS);
  if (!strings || !node || !edge || !csr || !optional) return null;
  if (locations === undefined || trace === undefined) return null;
  const columns = { ...node, ...edge, ...csr, ...optional };
  const view = (take: Take, stringsView: () => readonly string[]) => {
    const graph = {
      info: file ? { ...head.info, file } : head.info,
      nodeCount,
      edgeCount,
      nodeKinds: head.nodeKinds,
      edgeKinds: head.edgeKinds,
      rootIndex: head.rootIndex,
    };
    Object.defineProperty(graph, "strings", { get: stringsView, enumerable: true });
    Object.defineProperty(graph, "lazyStrings", { value: strings });
    // Locations and the trace are read whole (point queries read them on this thread alone).
    return withColumns(graph, { ...columns, locations, trace }, take) as unknown as HeapGraph;
  };
  return {
    whole: view((c) => c.all(), strings.all),
    points: view((c) => c.points(), strings.points),
  };
}

/** The graph's strings, or null when their table is damaged (a block is checked when decoded). */
function stringsOf(unpacked: UnpackedColumns<Header>, blocks: StringBlock[]): StringTable | null {
  const described = unpacked.describe("strings.lengths");
  if (described?.type !== Uint32Array) return null;
  const lengths = unpacked.read("strings.lengths", true) as Uint32Array;
  return stringTable(
    blocks,
    lengths,
    (name, alone) => {
      const column = `strings.${name}`;
      return unpacked.describe(column) ? unpacked.read(column, alone) : undefined;
    },
    (block) =>
      new SnapshotReadError(
        unpacked.source,
        unpacked.describe(`strings.block${block}`)?.offset ?? 0,
        `string block ${block} to hold the lengths listed for it (a damaged index cache: delete it)`,
      ),
  );
}

/** A column read on demand: whole, or for point reads. */
interface LazyColumn<C = Column> {
  /** The whole column, read on the first call. */
  all(): C;
  /** The whole column, read on this thread only (for a small one a point query needs whole). */
  alone(): C;
  /** For point reads: the whole column once read, else one that loads the pages it reads. */
  points(): C;
}
type Take = (column: LazyColumn) => unknown;

/** Defines a getter on `target` per column, giving what `take` makes of it. */
function withColumns<T extends object>(
  target: T,
  columns: Record<string, LazyColumn<unknown>>,
  take: (column: LazyColumn) => unknown,
): T {
  for (const [name, column] of Object.entries(columns))
    Object.defineProperty(target, name, {
      get: () => take(column as LazyColumn),
      enumerable: true,
    });
  return target;
}

function lazyColumn(unpacked: UnpackedColumns<Header>, name: string): LazyColumn {
  let whole: Column | undefined;
  let points: Column | undefined;
  const all = () => {
    whole ??= unpacked.read(name);
    return whole;
  };
  return {
    all,
    alone() {
      whole ??= unpacked.read(name, true);
      return whole;
    },
    points() {
      points ??= whole ?? unpacked.readPoints(name, all);
      return whole ?? points;
    },
  };
}

const ANY_LENGTH = -1;
type Types = Record<string, new (...args: never[]) => Column>;
type Columns<T extends Types> = { [K in keyof T]: LazyColumn<InstanceType<T[K]>> };

/**
 * Each named column, read on demand; or null when one is missing or of another type or length
 * than expected (checked in the column table: nothing is read yet).
 */
function lazyColumns<T extends Types>(
  unpacked: UnpackedColumns<Header>,
  prefix: string,
  types: T,
  length: (name: keyof T) => number,
): Columns<T> | null {
  const columns: Record<string, LazyColumn> = {};
  for (const name of Object.keys(types)) {
    const found = unpacked.describe(prefix + name);
    const expected = length(name);
    if (
      !found ||
      found.type !== types[name] ||
      (expected !== ANY_LENGTH && found.length !== expected)
    )
      return null;
    columns[name] = lazyColumn(unpacked, prefix + name);
  }
  return columns as Columns<T>;
}

const ABSENT: LazyColumn<null> = { all: () => null, alone: () => null, points: () => null };

/** Like lazyColumns, for columns a graph may lack: each then reads as null. */
function optionalColumns<T extends Types>(
  unpacked: UnpackedColumns<Header>,
  prefix: string,
  types: T,
  length: (name: keyof T) => number,
): { [K in keyof T]: LazyColumn<InstanceType<T[K]> | null> } | null {
  const columns: Record<string, LazyColumn<Column | null>> = {};
  for (const name of Object.keys(types)) {
    const one = unpacked.describe(prefix + name)
      ? lazyColumns(unpacked, prefix, { [name]: types[name]! }, () => length(name))
      : { [name]: ABSENT };
    if (!one) return null;
    columns[name] = one[name]!;
  }
  return columns as { [K in keyof T]: LazyColumn<InstanceType<T[K]> | null> };
}

/**
 * A group of columns stored only when the graph has it (locations, trace), read whole on demand:
 * null when absent; undefined when damaged. `sameLength` columns share the first one's length
 * (the trace's tree nodes and its function infos are two tables).
 */
function optionalGroup<T extends Types>(
  unpacked: UnpackedColumns<Header>,
  group: string,
  types: T,
  sameLength: readonly (keyof T & string)[],
): LazyColumn<{ [K in keyof T]: InstanceType<T[K]> } | null> | undefined {
  const names = Object.keys(types);
  const present = names.filter((name) => unpacked.describe(`${group}.${name}`) !== undefined);
  if (present.length === 0) return ABSENT;
  const first = unpacked.describe(`${group}.${sameLength[0]}`);
  const infos = names.find((name) => !sameLength.includes(name));
  const infoLength = infos ? unpacked.describe(`${group}.${infos}`)?.length : undefined;
  const columns = lazyColumns(unpacked, `${group}.`, types, (name) =>
    sameLength.includes(name as keyof T & string) ? (first?.length ?? -1) : (infoLength ?? -1),
  );
  if (!columns) return undefined;
  let read: { [K in keyof T]: InstanceType<T[K]> } | undefined;
  const whole = (how: "all" | "alone") => () => {
    if (read) return read;
    const out: Record<string, Column> = {};
    for (const name of names) out[name] = columns[name]![how]();
    read = out as { [K in keyof T]: InstanceType<T[K]> };
    return read;
  };
  return { all: whole("all"), alone: whole("alone"), points: whole("alone") };
}

// Builds the heap graph straight from .hmat column blocks as they stream in: each block is decoded
// once, on arrival, into the graph's own typed arrays (node indexes, not V8's flat offsets), so no
// inflated section outlives its decoding (but the locations', decoded when first read) and no
// V8-layout table sits between.
// The graph's columns live on shared memory, so index building hands them to a thread uncopied.
import {
  type ColumnTarget,
  decodeColumnInto,
  type EdgeRows,
  Encoding,
  indexKinds,
  type RawColumn,
} from "@heapmat/dumper/format";
import type {
  AllocationTrace,
  DumpInfo,
  HeapGraph,
  HeapTables,
  LocationColumns,
} from "../graph/heap-graph.js";
import { lazyStrings, type StringTexts } from "../graph/lazy-strings.js";
import { isShared, sharedArray } from "../graph/shared-memory.js";
import { SnapshotReadError } from "./source.js";
import { allocationTrace, edgeKindIsIndexOf, flattenTraceTree, type V8Meta } from "./v8-columns.js";

export interface Block {
  count: number;
  columns: RawColumn[];
  /** Where its section starts in the file, for errors. */
  offset: number;
}

/** The edge columns, filled in place (by the reader, and by a thread on the same shared memory). */
export interface EdgeColumns {
  type: Uint8Array;
  name_or_index: Uint32Array;
  to_node: Uint32Array;
}

/** The largest edge kind, target and property name seen: checked in range once, at the end. */
export interface EdgeMaxima {
  edgeKind: number;
  target: number;
  edgeName: number;
}

/**
 * What another thread needs to decode a table's blocks into the graph's columns in place (see
 * HmatGraphBuilder.share): the columns, each node's first edge row (nodes: where their edge
 * counts go, one row on; edges: their owners), and how many rows the "v8" section counts.
 */
export type TableShare =
  | {
      table: "nodes";
      fields: readonly string[];
      columns: Record<string, ColumnTarget>;
      edgeStart: Uint32Array;
      rows: number;
    }
  | {
      table: "edges";
      meta: Pick<V8Meta, "edge_fields" | "edge_types">;
      columns: EdgeColumns;
      edgeStart: Uint32Array;
      nodeCount: number;
      rows: number;
    };

/** The column-block tables decoded straight into the graph. */
export const GRAPH_TABLES: readonly string[] = ["nodes", "edges", "locations"];

export interface HmatBuildOptions {
  /** V8's node_count and edge_count from the "v8" section: capacities, if plausible. */
  nodeCount?: unknown;
  edgeCount?: unknown;
  /** The file's size, which bounds what a count may preallocate. */
  fileSize?: number;
  idsOnly?: boolean;
  salvage?: boolean;
}

export interface HmatRest {
  info: DumpInfo;
  locations?: Block[];
  strings: StringTexts;
  /** V8's other tables (function infos: small), decoded flat. */
  otherTables: () => Record<string, Float64Array>;
  traceTree?: unknown[];
}

/**
 * Rows a count from the file may preallocate: a corrupt count must not allocate much more than
 * the file could hold (8 rows per byte: real files have about 2); past it, columns grow.
 */
function capacity(count: unknown, fileSize: number | undefined): number {
  const bound = 8 * (fileSize ?? 1 << 17);
  return Number.isSafeInteger(count) && (count as number) >= 0
    ? Math.min(count as number, bound)
    : 0;
}

/**
 * The graph of a .hmat file, fed block by block in file order. Edge blocks need their owners, from
 * the nodes' edge counts: one that arrives before the nodes that own it waits for them.
 */
export class HmatGraphBuilder {
  private readonly nodes: Columns;
  private readonly edges: Columns | null;
  /**
   * Per node read so far, and one past: its first edge row, a running sum of edge counts that
   * stops at 2^32 - 1. Clamped to the edges present, it becomes the graph's firstEdge.
   */
  private edgeStart: Uint32Array;
  private readonly waiting: Array<{ block: Block; start: number }> = [];
  private readonly edgeDecoder: EdgeDecoder;
  /** Largest values seen, checked while each block is still in the cache: see `finish`. */
  private readonly largest = { nodeKind: -1, nodeName: -1 };

  constructor(
    private readonly file: string,
    private readonly meta: V8Meta,
    private readonly options: HmatBuildOptions = {},
  ) {
    const fields = meta.node_fields;
    const nodes = capacity(options.nodeCount, options.fileSize);
    this.nodes = new Columns(
      {
        type: Uint8Array,
        name: Uint32Array,
        id: Float64Array,
        self_size: Float64Array,
        ...(fields.includes("trace_node_id") && { trace_node_id: Uint32Array }),
        ...(fields.includes("detachedness") && { detachedness: Uint8Array }),
      },
      nodes,
    );
    this.edgeStart = sharedArray(Uint32Array, nodes + 1);
    this.edges = options.idsOnly
      ? null
      : new Columns(
          { type: Uint8Array, name_or_index: Uint32Array, to_node: Uint32Array },
          capacity(options.edgeCount, options.fileSize),
        );
    this.edgeDecoder = new EdgeDecoder(file, meta);
  }

  /** Decodes a nodes block into the node columns. */
  addNodes(block: Block): void {
    const start = this.nodes.reserve(block.count);
    if (this.edgeStart.length < this.nodes.capacity + 1)
      this.edgeStart = grownTo(this.edgeStart, this.nodes.capacity + 1);
    decodeNodeBlock(
      this.file,
      block,
      this.meta.node_fields,
      this.nodes.arrays,
      this.edgeStart,
      start,
    );
    this.nodesIn(start, block.count);
  }

  /** Turns the edge counts of `count` new rows from `start` on into edge starts. */
  private nodesIn(start: number, count: number): void {
    const { type, name } = this.nodes.arrays as { type: Uint8Array; name: Uint32Array };
    noteNodes(this.edgeStart, type, name, start, start + count, this.largest);
    this.flushEdges(false);
  }

  /** Decodes an edges block, now if the nodes owning its rows are in, else once they are. */
  addEdges(block: Block): void {
    if (!this.edges) return;
    this.waiting.push({ block, start: this.edges.reserve(block.count) });
    this.flushEdges(false);
  }

  private flushEdges(all: boolean): void {
    const known = this.edgeStart[this.nodes.rows]!;
    while (this.waiting.length > 0) {
      const { block, start } = this.waiting[0]!;
      if (!all && start + block.count > known) return;
      this.waiting.shift();
      const columns = this.edges!.arrays as unknown as EdgeColumns;
      this.edgeDecoder.decode(block, start, columns, this.edgeStart, this.nodes.rows);
    }
  }

  /** A table's rows so far (edges: decoded, waiting for their owners, or adopted). */
  rowsOf(table: "nodes" | "edges"): number {
    return table === "nodes" ? this.nodes.rows : (this.edges?.rows ?? 0);
  }

  /**
   * A table's columns for another thread to fill in place, when they are final: nodes before
   * any, as many as the "v8" section counts; edges once every node is in as it counts them, their
   * edge counts adding up to its edge_count, nothing waiting. Else null (one thread reads it).
   */
  share(table: "nodes" | "edges"): TableShare | null {
    const { edges, nodes, options, edgeStart } = this;
    if (table === "nodes") {
      const rows = nodes.capacity;
      const final =
        nodes.rows === 0 &&
        rows > 0 &&
        rows === options.nodeCount &&
        edgeStart.length === rows + 1 &&
        isShared(edgeStart) &&
        Object.values(nodes.arrays).every(isShared);
      if (!final) return null;
      const fields = this.meta.node_fields;
      return { table, fields, columns: nodes.arrays, edgeStart, rows };
    }
    const nodeCount = nodes.rows;
    const rows = edgeStart[nodeCount]!;
    const final =
      edges !== null &&
      this.waiting.length === 0 &&
      nodeCount === options.nodeCount &&
      rows === options.edgeCount &&
      edges.capacity === rows &&
      edges.rows < rows &&
      isShared(edgeStart) &&
      Object.values(edges.arrays).every(isShared);
    if (!final) return null;
    const { edge_fields, edge_types } = this.meta;
    const columns = edges.arrays as unknown as EdgeColumns;
    return { table, meta: { edge_fields, edge_types }, columns, edgeStart, nodeCount, rows };
  }

  /**
   * The node and edge columns as finish() will put them in the graph, once every edge is in as
   * the nodes count them and every edge's kind and target is in range; else null.
   */
  tables(): HeapTables | null {
    const { edges, nodes, edgeStart } = this;
    const nodeCount = nodes.rows;
    const edgeKinds = this.meta.edge_types[0];
    const { edgeKind, target } = this.edgeDecoder.largest;
    const complete =
      edges !== null &&
      edges.rows > 0 &&
      this.waiting.length === 0 &&
      nodes.capacity === nodeCount &&
      edges.capacity === edges.rows &&
      edgeStart.length === nodeCount + 1 &&
      edgeStart[nodeCount] === edges.rows &&
      edgeKind < edgeKinds.length &&
      target < nodeCount;
    if (!complete) return null;
    const { type, to_node } = edges.arrays as { type: Uint8Array; to_node: Uint32Array };
    return {
      nodeCount,
      edgeCount: edges.rows,
      firstEdge: edgeStart,
      edgeTarget: to_node,
      edgeKind: type,
      edgeKinds,
      nodeSelfSize: nodes.arrays.self_size as Float64Array,
      rootIndex: 0,
    };
  }

  /**
   * Zeroes a table's rows from `from` on: rows another thread may have written before the reader
   * took them back, which it writes again, except where a column is all zeros (decodeBlock).
   */
  clearRows(table: "nodes" | "edges", from: number): void {
    const columns = table === "nodes" ? this.nodes.arrays : (this.edges?.arrays ?? {});
    for (const column of Object.values(columns)) column.fill(0, from);
  }

  /** Takes a table's next `rows` rows, which another thread decoded (edges: with their maxima). */
  adopt(table: "nodes" | "edges", rows: number, maxima?: EdgeMaxima): void {
    if (table === "nodes") this.nodesIn(this.nodes.reserve(rows), rows);
    else {
      this.edges?.reserve(rows);
      if (maxima) this.edgeDecoder.note(maxima);
    }
  }

  /**
   * The graph, once every section is in, whether every kind, name and target is in range (when
   * not, the reader looks for the first value that is not, to name it), and how many edges the
   * nodes' edge counts add up to (the graph's firstEdge is clamped to the edges present).
   */
  finish(rest: HmatRest): { graph: HeapGraph; inRange: boolean; edgeSum: number } {
    this.flushEdges(true);
    const { meta } = this;
    const nodeCount = this.nodes.rows;
    const node = this.nodes.trimmed();
    const edge = this.edges?.trimmed() ?? {};
    const edgeRows = this.edges?.rows ?? 0;
    // Each node's edges, clamped to the edges present (idsOnly: none; salvage: what was complete).
    let firstEdge = this.edgeStart;
    if (firstEdge.length !== nodeCount + 1) {
      firstEdge = sharedArray(Uint32Array, nodeCount + 1);
      firstEdge.set(this.edgeStart.subarray(0, nodeCount + 1));
    }
    const edgeSum = firstEdge[nodeCount]!;
    for (let i = 1; i <= nodeCount; i++) firstEdge[i] = Math.min(firstEdge[i]!, edgeRows);
    this.edgeStart = new Uint32Array(1);

    const { file } = this;
    const blocks = rest.locations;
    let located: LocationColumns | null | undefined;
    const listed = rest.strings.lengths.length;
    const largest = { ...this.largest, ...this.edgeDecoder.largest };
    // A salvaged file may lack strings that names refer to: they are empty.
    let names = Math.max(listed, largest.nodeName + 1);
    if (this.options.salvage) names = Math.max(names, largest.edgeName + 1);
    // Bounded by the tables' size: a corrupt name index is an error later, not an allocation.
    const cells = nodeCount * meta.node_fields.length + edgeRows * meta.edge_fields.length;
    const strings = lazyStrings({ ...rest.strings, count: names - listed <= cells ? names : 0 });

    const tables = rest.otherTables();
    const edgeKinds = meta.edge_types[0];
    const inRange =
      largest.nodeKind < meta.node_types[0].length &&
      largest.nodeName < strings.length &&
      largest.edgeKind < edgeKinds.length &&
      largest.target < nodeCount &&
      largest.edgeName < strings.length;
    const graph: HeapGraph = {
      info: rest.info,
      nodeCount,
      edgeCount: edgeRows,
      // Made when first read: indexing and point queries read through `lazyStrings`.
      get strings() {
        return strings.all();
      },
      nodeKinds: meta.node_types[0],
      edgeKinds,
      edgeKindIsIndex: edgeKindIsIndexOf(edgeKinds),
      nodeKind: node.type as Uint8Array,
      nodeName: node.name as Uint32Array,
      nodeId: node.id as Float64Array,
      nodeSelfSize: node.self_size as Float64Array,
      nodeTraceId: (node.trace_node_id as Uint32Array | undefined) ?? null,
      nodeDetachedness: (node.detachedness as Uint8Array | undefined) ?? null,
      firstEdge,
      edgeKind: (edge.type as Uint8Array | undefined) ?? sharedArray(Uint8Array, 0),
      edgeName: (edge.name_or_index as Uint32Array | undefined) ?? sharedArray(Uint32Array, 0),
      edgeTarget: (edge.to_node as Uint32Array | undefined) ?? sharedArray(Uint32Array, 0),
      rootIndex: 0,
      // Decoded when first asked for: only closures' source positions need them (64 MB at 20M
      // nodes, 0.2 s of a 4.5 s read and index).
      get locations() {
        located ??= blocks ? locations(file, meta, blocks) : null;
        return located;
      },
      trace:
        tables.trace_function_infos && rest.traceTree
          ? trace(meta, tables.trace_function_infos, rest.traceTree)
          : null,
    };
    Object.defineProperty(graph, "lazyStrings", { value: strings });
    return { graph, inRange, edgeSum };
  }
}

/**
 * Decodes a nodes block into the node columns at row `start`, its edge counts into `edgeStart`
 * one row on (the reader then turns them into a running sum).
 */
export function decodeNodeBlock(
  file: string,
  block: Block,
  fields: readonly string[],
  columns: Record<string, ColumnTarget>,
  edgeStart: Uint32Array,
  start: number,
): void {
  const targets = { ...columns, edge_count: edgeStart };
  decodeBlock(file, block, fields, targets, start, null, start + 1);
}

/**
 * Decodes edge blocks into edge columns, noting the largest values: the one decoder of the reader
 * and of the thread that decodes a big file's last edge blocks (node/hmat-thread.ts).
 */
export class EdgeDecoder {
  readonly largest: EdgeMaxima = { edgeKind: -1, target: -1, edgeName: -1 };
  private readonly indexKind: Uint8Array;
  /** Per edge kind (a byte): all ones when its name_or_index is a name, 0 when an index. */
  private readonly namedMask: Int32Array;
  private owners = new Uint32Array(0);

  constructor(
    private readonly file: string,
    private readonly meta: Pick<V8Meta, "edge_fields" | "edge_types">,
  ) {
    this.indexKind = indexKinds(meta.edge_types[0]);
    // An entry for every byte, out-of-range kinds included: the loop reads no undefined.
    this.namedMask = new Int32Array(256).fill(-1);
    this.indexKind.forEach((index, kind) => {
      if (index === 1) this.namedMask[kind] = 0;
    });
  }

  /** Decodes `block` into rows start.. of `columns`, owned as `edgeStart` says. */
  decode(
    block: Block,
    start: number,
    columns: EdgeColumns,
    edgeStart: Uint32Array,
    nodeCount: number,
  ): void {
    const { count } = block;
    if (this.owners.length < count) this.owners = new Uint32Array(count);
    const rows: EdgeRows = {
      owner: blockOwners(edgeStart, nodeCount, start, this.owners, count),
      type: columns.type.subarray(start, start + count),
      name: columns.name_or_index.subarray(start, start + count),
      indexKind: this.indexKind,
    };
    const targets = columns as unknown as Record<string, ColumnTarget>;
    decodeBlock(this.file, block, this.meta.edge_fields, targets, start, rows, -1);
    const { type, name_or_index, to_node } = columns;
    // In slices: a loop that runs a whole block on its first call is compiled on the stack before
    // the code after it ever ran, and that code then deopts on every call (V8 11), 4x slower.
    for (let from = start; from < start + count; from += NOTE_SLICE) {
      const to = Math.min(from + NOTE_SLICE, start + count);
      noteEdges(type, name_or_index, to_node, from, to, this.namedMask, this.largest);
    }
  }

  /** Merges maxima noted elsewhere. */
  note(maxima: EdgeMaxima): void {
    const { largest } = this;
    largest.edgeKind = Math.max(largest.edgeKind, maxima.edgeKind);
    largest.target = Math.max(largest.target, maxima.target);
    largest.edgeName = Math.max(largest.edgeName, maxima.edgeName);
  }
}

const NOTE_SLICE = 1024;

/** Notes the largest edge kind, target and property name of rows from..end-1 (branch-free: Math.max, a mask). */
function noteEdges(
  type: Uint8Array,
  name: Uint32Array,
  to: Uint32Array,
  from: number,
  end: number,
  namedMask: Int32Array,
  largest: EdgeMaxima,
): void {
  let { edgeKind, target, edgeName } = largest;
  for (let e = from; e < end; e++) {
    const t = type[e]!;
    edgeKind = Math.max(edgeKind, t);
    target = Math.max(target, to[e]!);
    edgeName = Math.max(edgeName, (name[e]! & namedMask[t]!) >>> 0);
  }
  largest.edgeKind = edgeKind;
  largest.target = target;
  largest.edgeName = edgeName;
}

/**
 * Turns rows from..to-1 of edge counts (one row on) into running edge starts, and notes the
 * largest node kind and name. Its own function: a loop inside addNodes was deoptimized on
 * every call.
 */
function noteNodes(
  edgeStart: Uint32Array,
  type: Uint8Array,
  name: Uint32Array,
  from: number,
  to: number,
  largest: { nodeKind: number; nodeName: number },
): void {
  let kind = largest.nodeKind;
  let names = largest.nodeName;
  for (let i = from; i < to; i++) {
    edgeStart[i + 1] = Math.min(edgeStart[i]! + edgeStart[i + 1]!, 0xffffffff);
    kind = Math.max(kind, type[i]!);
    names = Math.max(names, name[i]!);
  }
  largest.nodeKind = kind;
  largest.nodeName = names;
}

type ArrayType = new (length: number) => ColumnTarget;

/** A table's columns on shared memory, filled block by block, doubling when full. */
class Columns {
  rows = 0;
  capacity: number;
  arrays: Record<string, ColumnTarget>;

  constructor(
    private readonly types: Record<string, ArrayType>,
    capacity: number,
  ) {
    this.capacity = capacity;
    this.arrays = {};
    for (const [name, type] of Object.entries(types))
      this.arrays[name] = sharedArray(type as never, capacity) as ColumnTarget;
  }

  /** Room for `count` more rows; returns the first one's index. */
  reserve(count: number): number {
    const start = this.rows;
    this.rows += count;
    if (this.rows > this.capacity) {
      this.capacity = Math.max(this.rows, 2 * this.capacity);
      for (const name of Object.keys(this.arrays))
        this.arrays[name] = grownTo(this.arrays[name]!, this.capacity);
    }
    return start;
  }

  /** The columns exactly `rows` long (the same arrays when the file's count was right). */
  trimmed(): Record<string, ColumnTarget> {
    for (const name of Object.keys(this.arrays)) {
      const array = this.arrays[name]!;
      if (array.length !== this.rows) {
        const exact = sharedArray(this.types[name] as never, this.rows) as ColumnTarget;
        exact.set(array.subarray(0, this.rows));
        this.arrays[name] = exact;
      }
    }
    this.capacity = this.rows;
    return this.arrays;
  }
}

/** A copy `length` long of the same type (and sharing) with the values kept. */
function grownTo<T extends ColumnTarget>(array: T, length: number): T {
  const Type = array.constructor as new (length: number) => T;
  const out =
    array.buffer instanceof ArrayBuffer
      ? new Type(length)
      : (sharedArray(Type as never, length) as T);
  out.set(array);
  return out;
}

/** V8's locations, decoded straight into columns (object_index is stored as a node index). */
function locations(file: string, meta: V8Meta, blocks: Block[]): LocationColumns | null {
  if (!meta.location_fields) return null;
  const count = blocks.reduce((n, b) => n + b.count, 0);
  const columns: LocationColumns = {
    node: new Uint32Array(count),
    scriptId: new Uint32Array(count),
    line: new Uint32Array(count),
    column: new Uint32Array(count),
  };
  const { node, scriptId, line, column } = columns;
  const targets = { object_index: node, script_id: scriptId, line, column };
  let start = 0;
  for (const block of blocks) {
    decodeBlock(file, block, meta.location_fields, targets, start, null, -1);
    start += block.count;
  }
  return columns;
}

function trace(meta: V8Meta, infos: Float64Array, tree: unknown[]): AllocationTrace {
  return allocationTrace(meta, infos, flattenTraceTree(meta, tree));
}

/**
 * Decodes a block's known columns straight into their targets at row `start`; `edgeCountAt`,
 * when not -1, is where the edge_count column goes instead.
 */
function decodeBlock(
  file: string,
  block: Block,
  fields: readonly string[],
  targets: Record<string, ColumnTarget | undefined>,
  start: number,
  edges: EdgeRows | null,
  edgeCountAt: number,
): void {
  // Slot deltas read the edge's type and name: decode those first.
  const columns = [...block.columns].sort(
    (a, b) => Number(a[1] === Encoding.SlotDelta) - Number(b[1] === Encoding.SlotDelta),
  );
  for (const column of columns) {
    const target = fields.includes(column[0]) ? targets[column[0]] : undefined;
    if (!target) continue;
    // The rows are zeros already (fresh, or cleared when taken back from the other thread):
    // writing zeros would only touch fresh pages (trace ids without allocation tracking and
    // detachedness in Node are all zeros: 100 MB at 20M nodes).
    if (column[0] !== "edge_count" && allZeros(column, block.count)) continue;
    const at = column[0] === "edge_count" && edgeCountAt !== -1 ? edgeCountAt : start;
    try {
      decodeColumnInto(column, block.count, target, at, edges);
    } catch (error) {
      const reason = error instanceof Error ? ` (${error.message})` : "";
      throw new SnapshotReadError(
        file,
        block.offset,
        `a well-formed column "${column[0]}"${reason}`,
      );
    }
  }
}

/** Whether a column's `count` values are all zero: one zero byte each (not slot deltas). */
function allZeros([, encoding, data]: RawColumn, count: number): boolean {
  if (encoding === Encoding.SlotDelta || data.length !== count) return false;
  for (let i = 0; i < count; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * The owning node of edge rows start..start+count-1 (in `out`), from each node's first edge row
 * (rows past the last node's edges get the last node: the graph check rejects such a file anyway).
 */
function blockOwners(
  edgeStart: Uint32Array,
  nodeCount: number,
  start: number,
  out: Uint32Array,
  count: number,
): Uint32Array {
  const owners = out.subarray(0, count);
  const last = nodeCount - 1;
  if (last < 0) return owners.fill(0);
  // The last node whose edges start at or before `start`.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edgeStart[mid]! <= start) lo = mid;
    else hi = mid - 1;
  }
  let node = lo;
  let end = edgeStart[node + 1]!;
  for (let r = 0; r < count; r++) {
    while (start + r >= end && node < last) end = edgeStart[++node + 1]!;
    owners[r] = node;
  }
  return owners;
}

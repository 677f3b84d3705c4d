// V8's `nodes` and `edges` arrays, the bulk of a .heapsnapshot, parsed straight into HeapGraph's
// typed columns: allocated once from the header's counts, filled by tight loops over the bytes.

import type { HeapGraph } from "../graph/heap-graph.js";
import { grown, resize, V8EdgesBuilder } from "./heapsnapshot-edges.js";
import type { IntArrayScanner } from "./json-numbers.js";
import type { JsonFail } from "./json-value.js";
import type { V8Meta } from "./v8-columns.js";

/** The part of a HeapGraph this builder makes. */
export type NodeEdgeColumns = Pick<
  HeapGraph,
  | "nodeCount"
  | "edgeCount"
  | "nodeKind"
  | "nodeName"
  | "nodeId"
  | "nodeSelfSize"
  | "nodeTraceId"
  | "nodeDetachedness"
  | "firstEdge"
  | "edgeKind"
  | "edgeName"
  | "edgeTarget"
>;

export class V8ColumnsBuilder {
  readonly nodeFields: number;
  private readonly nodeKindCount: number;
  private readonly fType: number;
  private readonly fName: number = -1;
  private readonly fId: number;
  private readonly fSize: number;
  private readonly fEdges: number = -1;
  private readonly fTrace: number = -1;
  private readonly fDetached: number = -1;
  /** Whether nodes are in V8's usual field order, which the whole-record loop expects. */
  private readonly nodeRecords: boolean;
  private readonly one = new Float64Array(1);

  // Node columns, filled as numbers stream in; `nodeField` is the next field of node `nodeCount`.
  private nodeCount = 0;
  private nodeField = 0;
  private nodeCapacity = 0;
  private nodeKind = new Uint8Array(0);
  private nodeName = new Uint32Array(0);
  private nodeId = new Float64Array(0);
  private nodeSelfSize = new Float64Array(0);
  private nodeTraceId: Uint32Array | null = null;
  private nodeDetachedness: Uint8Array | null = null;
  private firstEdge = new Uint32Array(0);
  private edgeTotal = 0;
  private maxNodeName = 0;

  /** The edges' own builder: the edges array is read apart from the nodes (maybe on a thread). */
  readonly edges: V8EdgesBuilder;

  /**
   * Field positions come from `meta` (they differ between Node versions); counts from the header
   * (-1 when absent: the columns then grow). In idsOnly mode only ids, kinds and sizes are kept.
   * `inputBytes` (the JSON's size, when known) bounds what the header's counts may allocate.
   */
  constructor(
    meta: V8Meta,
    private readonly headerNodeCount: number,
    readonly headerEdgeCount: number,
    private readonly idsOnly: boolean,
    private readonly fail: JsonFail,
    at: number,
    inputBytes?: number,
  ) {
    const nf = meta.node_fields;
    const ef = meta.edge_fields;
    for (const name of ["type", "name", "id", "self_size", "edge_count"])
      if (!nf.includes(name)) fail(at, `snapshot.meta.node_fields to include "${name}"`);
    for (const name of ["type", "name_or_index", "to_node"])
      if (!ef.includes(name)) fail(at, `snapshot.meta.edge_fields to include "${name}"`);
    this.nodeFields = nf.length;
    this.nodeKindCount = meta.node_types[0].length;
    this.fType = nf.indexOf("type");
    this.fId = nf.indexOf("id");
    this.fSize = nf.indexOf("self_size");
    this.nodeRecords = startsWith(V8_NODE_FIELDS, nf) && nf.length >= 5;
    if (!idsOnly) {
      this.fName = nf.indexOf("name");
      this.fEdges = nf.indexOf("edge_count");
      this.fTrace = nf.indexOf("trace_node_id");
      this.fDetached = nf.indexOf("detachedness");
    }
    // A count is trusted up front only as far as the input could hold it (a number and a comma
    // per field); past that the columns grow as numbers actually arrive.
    const upfront = (count: number, fields: number) =>
      Math.min(Math.max(count, 0), Math.floor((inputBytes ?? UNKNOWN_SIZE_BYTES) / (2 * fields)));
    this.growNodes(upfront(headerNodeCount, this.nodeFields));
    const edgeCapacity = idsOnly ? 0 : upfront(headerEdgeCount, ef.length);
    this.edges = new V8EdgesBuilder(meta, headerEdgeCount, fail, edgeCapacity);
  }

  /** The nodes' columns with no edges (idsOnly), after checking the count. */
  nodesOnly(end: number): NodeEdgeColumns {
    this.checkNodes(end);
    const n = this.nodeCount;
    return {
      nodeCount: n,
      edgeCount: 0,
      nodeKind: trim(this.nodeKind, n),
      nodeName: new Uint32Array(n),
      nodeId: trim(this.nodeId, n),
      nodeSelfSize: trim(this.nodeSelfSize, n),
      nodeTraceId: null,
      nodeDetachedness: null,
      firstEdge: new Uint32Array(n + 1),
      edgeKind: new Uint8Array(0),
      edgeName: new Uint32Array(0),
      edgeTarget: new Uint32Array(0),
    };
  }

  /** All columns, after checking counts, edge targets and name indexes. */
  all(stringCount: number, withTrace: boolean, end: number): NodeEdgeColumns {
    this.checkNodes(end);
    const n = this.nodeCount;
    const m = this.edges.read.count;
    if (this.headerEdgeCount >= 0 && m !== this.headerEdgeCount)
      this.fail(end, `${this.headerEdgeCount} edges, as snapshot.edge_count says (found ${m})`);
    if (this.edges.read.field !== 0) this.fail(end, "a whole number of edges in the edges array");
    if (this.edgeTotal !== m)
      this.fail(
        end,
        `the nodes' edge counts to add up to ${m} edges (they add up to ${this.edgeTotal})`,
      );
    this.checkReferences(stringCount, end);
    const firstEdge = trim(this.firstEdge, n + 1);
    firstEdge[n] = m;
    return {
      nodeCount: n,
      edgeCount: m,
      nodeKind: trim(this.nodeKind, n),
      nodeName: trim(this.nodeName, n),
      nodeId: trim(this.nodeId, n),
      nodeSelfSize: trim(this.nodeSelfSize, n),
      nodeTraceId: this.nodeTraceId && (withTrace ? trim(this.nodeTraceId, n) : null),
      nodeDetachedness: this.nodeDetachedness && trim(this.nodeDetachedness, n),
      firstEdge,
      ...this.edges.trimmed(m),
    };
  }

  /** Where in the nodes or edges reading stopped, for a truncation message. */
  where(edges: boolean): string {
    return edges
      ? this.edges.where()
      : `more of "nodes" (node ${this.nodeCount} of ${this.headerNodeCount})`;
  }

  private checkNodes(end: number): void {
    if (this.headerNodeCount >= 0 && this.nodeCount !== this.headerNodeCount)
      this.fail(
        end,
        `${this.headerNodeCount} nodes, as snapshot.node_count says (found ${this.nodeCount})`,
      );
    if (this.nodeField !== 0) this.fail(end, "a whole number of nodes in the nodes array");
  }

  /**
   * Nodes and edges, the bulk of a file, in three gears. Whole records in V8's layout go through
   * a loop per record; a record laid out otherwise goes number by number through a loop that
   * still parses and stores in one pass; anything unusual (the array's ends, a number cut by the
   * chunk's end, bad bytes) goes one number at a time through the scanner, which owns the JSON
   * structure and its errors. Each gear hands back to the faster one as soon as it can.
   */
  feed(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner, edges: boolean): number {
    if (edges) return this.edges.feed(b, from, to, scanner);
    let i = from;
    for (;;) {
      if (scanner.ready) {
        const start = i;
        if (this.nodeRecords && this.nodeField === 0 && !scanner.afterValue)
          i = this.nodeRecordsLoop(b, i, to, scanner);
        i = this.fastNodes(b, i, to, scanner);
        if (i === to) return i;
        if (i !== start) continue;
      }
      const k = scanner.scan(b, i, to, this.one);
      i = scanner.pos;
      if (k > 0) this.takeNodes(this.one, k, i);
      if (scanner.done || i === to) return i;
    }
  }

  /** Without counts in the header, makes room for as many nodes as `bytes` could hold. */
  private roomForNodes(bytes: number): void {
    const need = this.nodeCount + Math.ceil((bytes + 1) / 2 / this.nodeFields) + 1;
    if (this.headerNodeCount < 0 && need > this.nodeCapacity)
      this.growNodes(Math.max(need, 2 * this.nodeCapacity));
  }

  /**
   * Whole nodes, V8's fields in V8's order (type, name, id, self_size, edge_count, then
   * trace_node_id and detachedness when present), each followed by its comma. Stops before the
   * first node that is not like that: the number-by-number loop takes it from there.
   */
  private nodeRecordsLoop(
    b: Uint8Array,
    from: number,
    to: number,
    scanner: IntArrayScanner,
  ): number {
    this.roomForNodes(to - from);
    const F = this.nodeFields;
    const all = !this.idsOnly;
    const { nodeKindCount, nodeCapacity } = this;
    const { nodeKind, nodeName, nodeId, nodeSelfSize, nodeTraceId, nodeDetachedness, firstEdge } =
      this;
    const first = this.nodeCount;
    let n = first;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    let i = from;
    // As in edgeRecordsLoop: numbers parsed in place, `i` moves only past a whole node.
    while (n < nodeCapacity && i < to) {
      let j = i;
      let d = 0;
      let type = b[j]! - 48;
      if (type >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        type = type * 10 + d;
      }
      if (j + 1 >= to || b[j] !== 0x2c) break;
      let name = b[++j]! - 48;
      if (name >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        name = name * 10 + d;
      }
      if (j + 1 >= to || b[j] !== 0x2c) break;
      let id = b[++j]! - 48;
      if (id >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        id = id * 10 + d;
      }
      if (j + 1 >= to || b[j] !== 0x2c) break;
      let selfSize = b[++j]! - 48;
      if (selfSize >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        selfSize = selfSize * 10 + d;
      }
      if (j + 1 >= to || b[j] !== 0x2c) break;
      let edges = b[++j]! - 48;
      if (edges >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        edges = edges * 10 + d;
      }
      let trace = 0;
      let detached = 0;
      if (F > 5) {
        if (j + 1 >= to || b[j] !== 0x2c) break;
        trace = b[++j]! - 48;
        if (trace >>> 0 > 9) break;
        for (j++; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          trace = trace * 10 + d;
        }
        if (F > 6) {
          if (j + 1 >= to || b[j] !== 0x2c) break;
          detached = b[++j]! - 48;
          if (detached >>> 0 > 9) break;
          for (j++; j < to; j++) {
            d = b[j]! - 48;
            if (d >>> 0 > 9) break;
            detached = detached * 10 + d;
          }
        }
      }
      // V8 ends each node with a newline before the comma.
      if (j < to && b[j] === 0x0a) j++;
      if (j >= to || b[j] !== 0x2c || type >= nodeKindCount) break;
      nodeKind[n] = type;
      nodeId[n] = id;
      nodeSelfSize[n] = selfSize;
      if (all) {
        nodeName[n] = name;
        if (name > maxName) maxName = name;
        firstEdge[n] = edgeTotal;
        edgeTotal += edges;
        // Mostly zeros: the columns start zeroed, and pages never written cost no memory.
        if (trace !== 0 && nodeTraceId) nodeTraceId[n] = trace;
        if (detached !== 0 && nodeDetachedness) nodeDetachedness[n] = detached;
      }
      n++;
      i = j + 1;
    }
    this.nodeCount = n;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
    scanner.count += (n - first) * F;
    return i;
  }

  /** Number by number, any field order; returns at a record's end for nodeRecordsLoop. */
  private fastNodes(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    const F = this.nodeFields;
    let n = this.nodeCount;
    let f = this.nodeField;
    this.roomForNodes(to - from);
    const capacity = this.nodeCapacity;
    if (n >= capacity) return from;
    const { fType, fName, fId, fSize, fEdges, fTrace, fDetached, nodeKindCount } = this;
    const { nodeKind, nodeName, nodeId, nodeSelfSize, nodeTraceId, nodeDetachedness, firstEdge } =
      this;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    const records = this.nodeRecords;
    let afterValue = scanner.afterValue;
    let parsed = 0;
    let i = from;
    while (i < to) {
      const c = b[i]!;
      let d = c - 48;
      if (d >= 0 && d <= 9) {
        if (afterValue) break;
        let v = d;
        let j = i + 1;
        for (; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          v = v * 10 + d;
        }
        if (j === to) break;
        if (f === fType) {
          if (v >= nodeKindCount) break;
          nodeKind[n] = v;
        } else if (f === fName) {
          nodeName[n] = v;
          if (v > maxName) maxName = v;
        } else if (f === fId) nodeId[n] = v;
        else if (f === fSize) nodeSelfSize[n] = v;
        else if (f === fEdges) {
          firstEdge[n] = edgeTotal;
          edgeTotal += v;
        } else if (f === fTrace) nodeTraceId![n] = v;
        else if (f === fDetached) nodeDetachedness![n] = v;
        // The comma that usually follows is taken here, saving a turn of the loop.
        if (b[j] === 0x2c) {
          i = j + 1;
          afterValue = false;
        } else {
          i = j;
          afterValue = true;
        }
        parsed++;
        if (++f === F) {
          f = 0;
          if (++n === capacity || (records && !afterValue)) break;
        }
      } else if (c === 0x2c) {
        if (!afterValue) break;
        afterValue = false;
        i++;
        if (records && f === 0) break;
      } else if (c === 0x0a || c === 0x20 || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.nodeCount = n;
    this.nodeField = f;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
    scanner.afterValue = afterValue;
    scanner.count += parsed;
    return i;
  }

  private takeNodes(values: Float64Array, k: number, at: number): void {
    const F = this.nodeFields;
    let n = this.nodeCount;
    let f = this.nodeField;
    const need = n + Math.ceil((f + k) / F);
    if (need > this.nodeCapacity)
      this.growNodes(grown(need, this.nodeCapacity, this.headerNodeCount));
    const { fType, fName, fId, fSize, fEdges, fTrace, fDetached, nodeKindCount } = this;
    const { nodeKind, nodeName, nodeId, nodeSelfSize, nodeTraceId, nodeDetachedness, firstEdge } =
      this;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    for (let j = 0; j < k; j++) {
      const v = values[j]!;
      if (f === fType) {
        if (v >= nodeKindCount) this.fail(at, `node ${n}'s type to be below ${nodeKindCount}`);
        nodeKind[n] = v;
      } else if (f === fName) {
        nodeName[n] = v;
        if (v > maxName) maxName = v;
      } else if (f === fId) nodeId[n] = v;
      else if (f === fSize) nodeSelfSize[n] = v;
      else if (f === fEdges) {
        firstEdge[n] = edgeTotal;
        edgeTotal += v;
      } else if (f === fTrace) nodeTraceId![n] = v;
      else if (f === fDetached) nodeDetachedness![n] = v;
      if (++f === F) {
        f = 0;
        n++;
      }
    }
    this.nodeCount = n;
    this.nodeField = f;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
  }

  /** Node names must index the strings; the edges check their own references. */
  private checkReferences(stringCount: number, end: number): void {
    if (this.nodeCount > 0 && this.maxNodeName >= stringCount)
      this.fail(end, `node names to index the ${stringCount} strings (found ${this.maxNodeName})`);
    this.edges.checkReferences(this.nodeCount, stringCount, end);
  }

  private growNodes(capacity: number): void {
    this.nodeCapacity = capacity;
    this.nodeKind = resize(this.nodeKind, capacity);
    this.nodeId = resize(this.nodeId, capacity);
    this.nodeSelfSize = resize(this.nodeSelfSize, capacity);
    if (this.idsOnly) return;
    this.nodeName = resize(this.nodeName, capacity);
    this.firstEdge = resize(this.firstEdge, capacity + 1);
    if (this.fTrace >= 0)
      this.nodeTraceId = resize(this.nodeTraceId ?? new Uint32Array(0), capacity);
    if (this.fDetached >= 0)
      this.nodeDetachedness = resize(this.nodeDetachedness ?? new Uint8Array(0), capacity);
  }
}

/** Without a known input size, header counts preallocate at most this many bytes' worth. */
const UNKNOWN_SIZE_BYTES = 1 << 20;

type Column = Uint8Array | Uint32Array | Float64Array;

/** Exactly `length` long: the same array when it already is (the usual case: counts from the header). */
function trim<T extends Column>(array: T, length: number): T {
  return resize(array, length);
}

/** V8's node field order, which the whole-record loop expects; older Nodes lack the last fields. */
const V8_NODE_FIELDS = [
  "type",
  "name",
  "id",
  "self_size",
  "edge_count",
  "trace_node_id",
  "detachedness",
];

export function startsWith(whole: readonly string[], part: readonly string[]): boolean {
  return part.length <= whole.length && part.every((name, i) => whole[i] === name);
}

// V8's `nodes` and `edges` arrays, the bulk of a .heapsnapshot, parsed straight into HeapGraph's
// typed columns: allocated once from the header's counts, filled by tight loops over the bytes.

import type { HeapGraph } from "../graph/heap-graph.js";
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
  private readonly edgeFields: number;
  private readonly nodeKindCount: number;
  private readonly edgeKindCount: number;
  private readonly fType: number;
  private readonly fName: number = -1;
  private readonly fId: number;
  private readonly fSize: number;
  private readonly fEdges: number = -1;
  private readonly fTrace: number = -1;
  private readonly fDetached: number = -1;
  private readonly eType: number;
  private readonly eName: number;
  private readonly eTo: number;
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

  private edgeCount = 0;
  private edgeField = 0;
  private edgeCapacity = 0;
  private edgeKind = new Uint8Array(0);
  private edgeName = new Uint32Array(0);
  private edgeTarget = new Uint32Array(0);

  /**
   * Field positions come from `meta` (they differ between Node versions); counts from the header
   * (-1 when absent: the columns then grow). In idsOnly mode only ids, kinds and sizes are kept.
   * `inputBytes` (the JSON's size, when known) bounds what the header's counts may allocate.
   */
  constructor(
    meta: V8Meta,
    private readonly headerNodeCount: number,
    private readonly headerEdgeCount: number,
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
    this.edgeFields = ef.length;
    this.nodeKindCount = meta.node_types[0].length;
    this.edgeKindCount = meta.edge_types[0].length;
    this.fType = nf.indexOf("type");
    this.fId = nf.indexOf("id");
    this.fSize = nf.indexOf("self_size");
    this.eType = ef.indexOf("type");
    this.eName = ef.indexOf("name_or_index");
    this.eTo = ef.indexOf("to_node");
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
    if (!idsOnly) this.growEdges(upfront(headerEdgeCount, this.edgeFields));
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
  all(
    stringCount: number,
    edgeKindIsIndex: Uint8Array,
    withTrace: boolean,
    end: number,
  ): NodeEdgeColumns {
    this.checkNodes(end);
    const n = this.nodeCount;
    const m = this.edgeCount;
    if (this.headerEdgeCount >= 0 && m !== this.headerEdgeCount)
      this.fail(end, `${this.headerEdgeCount} edges, as snapshot.edge_count says (found ${m})`);
    if (this.edgeField !== 0) this.fail(end, "a whole number of edges in the edges array");
    if (this.edgeTotal !== m)
      this.fail(
        end,
        `the nodes' edge counts to add up to ${m} edges (they add up to ${this.edgeTotal})`,
      );
    this.checkReferences(stringCount, edgeKindIsIndex, end);
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
      edgeKind: trim(this.edgeKind, m),
      edgeName: trim(this.edgeName, m),
      edgeTarget: trim(this.edgeTarget, m),
    };
  }

  /** Where in the nodes or edges reading stopped, for a truncation message. */
  where(edges: boolean): string {
    return edges
      ? `more of "edges" (edge ${this.edgeCount} of ${this.headerEdgeCount})`
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
   * Nodes and edges, the bulk of a file: a tight loop that parses and stores each number in one
   * pass. Anything unusual (the array's ends, a number cut by the chunk's end, bad bytes) goes
   * one number at a time through the scanner, which owns the JSON structure and its errors.
   */
  feed(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner, edges: boolean): number {
    let i = from;
    for (;;) {
      if (scanner.ready)
        i = edges ? this.fastEdges(b, i, to, scanner) : this.fastNodes(b, i, to, scanner);
      if (i === to) return i;
      const k = scanner.scan(b, i, to, this.one);
      i = scanner.pos;
      if (k > 0) edges ? this.takeEdges(this.one, k, i) : this.takeNodes(this.one, k, i);
      if (scanner.done || i === to) return i;
    }
  }

  private fastNodes(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    const F = this.nodeFields;
    let n = this.nodeCount;
    let f = this.nodeField;
    // Without counts in the header, make room for as many nodes as this chunk could hold.
    const need = n + Math.ceil((to - from + 1) / 2 / F) + 1;
    if (this.headerNodeCount < 0 && need > this.nodeCapacity)
      this.growNodes(Math.max(need, 2 * this.nodeCapacity));
    const capacity = this.nodeCapacity;
    if (n >= capacity) return from;
    const { fType, fName, fId, fSize, fEdges, fTrace, fDetached, nodeKindCount } = this;
    const { nodeKind, nodeName, nodeId, nodeSelfSize, nodeTraceId, nodeDetachedness, firstEdge } =
      this;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
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
          if (++n === capacity) break;
        }
      } else if (c === 0x2c) {
        if (!afterValue) break;
        afterValue = false;
        i++;
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

  private fastEdges(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    const E = this.edgeFields;
    const NF = this.nodeFields;
    let e = this.edgeCount;
    let f = this.edgeField;
    const need = e + Math.ceil((to - from + 1) / 2 / E) + 1;
    if (this.headerEdgeCount < 0 && need > this.edgeCapacity)
      this.growEdges(Math.max(need, 2 * this.edgeCapacity));
    const capacity = this.edgeCapacity;
    if (e >= capacity) return from;
    const { eType, eName, eTo, edgeKindCount, edgeKind, edgeName, edgeTarget } = this;
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
        if (f === eType) {
          if (v >= edgeKindCount) break;
          edgeKind[e] = v;
        } else if (f === eName) edgeName[e] = v;
        else if (f === eTo) {
          const target = v / NF;
          if (target !== Math.floor(target)) break;
          edgeTarget[e] = target;
        }
        // The comma that usually follows is taken here, saving a turn of the loop.
        if (b[j] === 0x2c) {
          i = j + 1;
          afterValue = false;
        } else {
          i = j;
          afterValue = true;
        }
        parsed++;
        if (++f === E) {
          f = 0;
          if (++e === capacity) break;
        }
      } else if (c === 0x2c) {
        if (!afterValue) break;
        afterValue = false;
        i++;
      } else if (c === 0x0a || c === 0x20 || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.edgeCount = e;
    this.edgeField = f;
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

  private takeEdges(values: Float64Array, k: number, at: number): void {
    const E = this.edgeFields;
    const NF = this.nodeFields;
    let e = this.edgeCount;
    let f = this.edgeField;
    const need = e + Math.ceil((f + k) / E);
    if (need > this.edgeCapacity)
      this.growEdges(grown(need, this.edgeCapacity, this.headerEdgeCount));
    const { eType, eName, eTo, edgeKindCount, edgeKind, edgeName, edgeTarget } = this;
    for (let j = 0; j < k; j++) {
      const v = values[j]!;
      if (f === eType) {
        if (v >= edgeKindCount) this.fail(at, `edge ${e}'s type to be below ${edgeKindCount}`);
        edgeKind[e] = v;
      } else if (f === eName) edgeName[e] = v;
      else if (f === eTo) {
        const target = v / NF;
        if (target !== Math.floor(target))
          this.fail(at, `edge ${e}'s to_node to be a multiple of ${NF} (found ${v})`);
        edgeTarget[e] = target;
      }
      if (++f === E) {
        f = 0;
        e++;
      }
    }
    this.edgeCount = e;
    this.edgeField = f;
  }

  /** Names must index the strings and edges must point at nodes: one pass, once all is read. */
  private checkReferences(stringCount: number, edgeKindIsIndex: Uint8Array, end: number): void {
    if (this.nodeCount > 0 && this.maxNodeName >= stringCount)
      this.fail(end, `node names to index the ${stringCount} strings (found ${this.maxNodeName})`);
    const { edgeKind, edgeName, edgeTarget, nodeCount } = this;
    for (let e = 0; e < this.edgeCount; e++) {
      if (edgeTarget[e]! >= nodeCount)
        this.fail(end, `edge ${e} to point at one of the ${nodeCount} nodes`);
      if (edgeName[e]! >= stringCount && edgeKindIsIndex[edgeKind[e]!] === 0)
        this.fail(end, `edge ${e}'s name to index the ${stringCount} strings`);
    }
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

  private growEdges(capacity: number): void {
    this.edgeCapacity = capacity;
    this.edgeKind = resize(this.edgeKind, capacity);
    this.edgeName = resize(this.edgeName, capacity);
    this.edgeTarget = resize(this.edgeTarget, capacity);
  }
}

/** Without a known input size, header counts preallocate at most this many bytes' worth. */
const UNKNOWN_SIZE_BYTES = 1 << 20;

/** Doubling growth, stopping at the header's count when it is still ahead. */
function grown(need: number, capacity: number, headerCount: number): number {
  const doubled = Math.max(need, 2 * capacity);
  return headerCount >= need ? Math.min(doubled, headerCount) : doubled;
}

type Column = Uint8Array | Uint32Array | Float64Array;

export function resize<T extends Column>(array: T, length: number): T {
  if (array.length === length) return array;
  const out = new (array.constructor as new (n: number) => T)(length);
  out.set(array.length <= length ? array : (array.subarray(0, length) as T));
  return out;
}

/** Exactly `length` long: the same array when it already is (the usual case: counts from the header). */
function trim<T extends Column>(array: T, length: number): T {
  return array.length === length ? array : (array.slice(0, length) as T);
}

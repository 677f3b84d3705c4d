// V8's `edges` array, about 60% of a .heapsnapshot, parsed straight into HeapGraph's edge columns.
// A part of V8ColumnsBuilder of its own, so that a worker thread can fill shared columns with it.

import type { HeapGraph } from "../graph/heap-graph.js";
import { sharedArray } from "../graph/shared-memory.js";
import type { IntArrayScanner } from "./json-numbers.js";
import type { JsonFail } from "./json-value.js";
import { edgeKindIsIndexOf, type V8Meta } from "./v8-columns.js";

export type EdgeColumns = Pick<HeapGraph, "edgeKind" | "edgeName" | "edgeTarget">;

/** What reading the edges leaves for the checks that need the nodes and strings too. */
export interface EdgesRead {
  /** Edges read so far. */
  count: number;
  /** The next field of edge `count` (0 after a whole edge). */
  field: number;
  maxTarget: number;
  /** The largest name among edges whose name indexes the strings. */
  maxName: number;
}

export class V8EdgesBuilder {
  readonly fields: number;
  private readonly nodeFields: number;
  private readonly kindCount: number;
  private readonly eType: number;
  private readonly eName: number;
  private readonly eTo: number;
  private readonly kindIsIndex: Uint8Array;
  /** Whether edges are in V8's usual field order, which the whole-record loop expects. */
  private readonly records: boolean;
  private readonly one = new Float64Array(1);

  readonly read: EdgesRead = { count: 0, field: 0, maxTarget: -1, maxName: -1 };
  private capacity = 0;
  private edgeKind: Uint8Array = new Uint8Array(0);
  private edgeName: Uint32Array = new Uint32Array(0);
  private edgeTarget: Uint32Array = new Uint32Array(0);

  /**
   * Field positions come from `meta` (already checked to name V8's edge fields). The columns are
   * `columns` when given (a worker filling shared ones), else allocated `capacity` long; past
   * their end they grow, up to the header's count when it is still ahead.
   */
  constructor(
    meta: V8Meta,
    private readonly headerCount: number,
    private readonly fail: JsonFail,
    capacity: number,
    columns?: EdgeColumns,
  ) {
    const ef = meta.edge_fields;
    this.fields = ef.length;
    this.nodeFields = meta.node_fields.length;
    this.kindCount = meta.edge_types[0].length;
    this.eType = ef.indexOf("type");
    this.eName = ef.indexOf("name_or_index");
    this.eTo = ef.indexOf("to_node");
    this.kindIsIndex = edgeKindIsIndexOf(meta.edge_types[0]);
    this.records = V8_EDGE_FIELDS.every((name, i) => ef[i] === name) && ef.length === 3;
    if (columns) {
      this.edgeKind = columns.edgeKind;
      this.edgeName = columns.edgeName;
      this.edgeTarget = columns.edgeTarget;
      this.capacity = Math.min(columns.edgeKind.length, columns.edgeName.length);
      this.capacity = Math.min(this.capacity, columns.edgeTarget.length);
    } else this.grow(capacity);
  }

  /** The columns as allocated, full length: what a worker fills. */
  columns(): EdgeColumns & { capacity: number } {
    const { edgeKind, edgeName, edgeTarget, capacity } = this;
    return { edgeKind, edgeName, edgeTarget, capacity };
  }

  /** Takes over what a worker read into these same columns. */
  adopt(read: EdgesRead): void {
    Object.assign(this.read, read);
  }

  /** Where in the edges reading stopped, for a truncation message. */
  where(): string {
    return `more of "edges" (edge ${this.read.count} of ${this.headerCount})`;
  }

  /** The columns trimmed to `count` (the same arrays when the header's count was right). */
  trimmed(count: number): EdgeColumns {
    return {
      edgeKind: resize(this.edgeKind, count),
      edgeName: resize(this.edgeName, count),
      edgeTarget: resize(this.edgeTarget, count),
    };
  }

  /**
   * Names must index the strings and edges must point at nodes. The maxima were kept while
   * reading; only a failure takes a pass over the edges, to name the first culprit.
   */
  checkReferences(nodeCount: number, stringCount: number, end: number): void {
    const { edgeKind, edgeName, edgeTarget, kindIsIndex, read } = this;
    if (read.maxTarget < nodeCount && read.maxName < stringCount) return;
    for (let e = 0; e < read.count; e++) {
      if (edgeTarget[e]! >= nodeCount)
        this.fail(end, `edge ${e} to point at one of the ${nodeCount} nodes`);
      if (edgeName[e]! >= stringCount && kindIsIndex[edgeKind[e]!] === 0)
        this.fail(end, `edge ${e}'s name to index the ${stringCount} strings`);
    }
    this.fail(end, `edges to point at one of the ${nodeCount} nodes (found ${read.maxTarget})`);
  }

  /**
   * The edges array in three gears, as V8ColumnsBuilder.feed does for nodes: whole records, then
   * number by number in any field order, then one number at a time through the scanner, which
   * owns the JSON structure and its errors.
   */
  feed(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    let i = from;
    for (;;) {
      if (scanner.ready) {
        const start = i;
        if (this.records && this.read.field === 0 && !scanner.afterValue)
          i = this.recordsLoop(b, i, to, scanner);
        i = this.fast(b, i, to, scanner);
        if (i === to) return i;
        if (i !== start) continue;
      }
      const k = scanner.scan(b, i, to, this.one);
      i = scanner.pos;
      if (k > 0) this.take(this.one, k, i);
      if (scanner.done || i === to) return i;
    }
  }

  /** Without a count in the header, makes room for as many edges as `bytes` could hold. */
  private roomFor(bytes: number): void {
    const need = this.read.count + Math.ceil((bytes + 1) / 2 / this.fields) + 1;
    if (this.headerCount < 0 && need > this.capacity) this.grow(Math.max(need, 2 * this.capacity));
  }

  /** Whole edges, V8's three fields in V8's order, each followed by its comma. */
  private recordsLoop(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    this.roomFor(to - from);
    const NF = this.nodeFields;
    const { kindCount, capacity, kindIsIndex } = this;
    const { edgeKind, edgeName, edgeTarget } = this;
    const read = this.read;
    const first = read.count;
    let e = first;
    let maxTarget = read.maxTarget;
    let maxName = read.maxName;
    let i = from;
    // The numbers are parsed in place (a call per number costs a quarter more here, the file's
    // largest part). `j` runs ahead and `i` moves only past a whole edge and its comma, so a
    // break leaves `i` at the start of the edge that the number-by-number loop takes over.
    while (e < capacity && i < to) {
      let j = i;
      let d = 0;
      let kind = b[j]! - 48;
      if (kind >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        kind = kind * 10 + d;
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
      let toNode = b[++j]! - 48;
      if (toNode >>> 0 > 9) break;
      for (j++; j < to; j++) {
        d = b[j]! - 48;
        if (d >>> 0 > 9) break;
        toNode = toNode * 10 + d;
      }
      // V8 ends each edge with a newline before the comma.
      if (j < to && b[j] === 0x0a) j++;
      if (j >= to || b[j] !== 0x2c) break;
      const target = toNode / NF;
      if (kind >= kindCount || target !== Math.floor(target)) break;
      edgeKind[e] = kind;
      edgeName[e] = name;
      edgeTarget[e] = target;
      if (target > maxTarget) maxTarget = target;
      if (name > maxName && kindIsIndex[kind] === 0) maxName = name;
      e++;
      i = j + 1;
    }
    read.count = e;
    read.maxTarget = maxTarget;
    read.maxName = maxName;
    scanner.count += (e - first) * 3;
    return i;
  }

  /** Number by number, any field order; returns at a record's end for recordsLoop. */
  private fast(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    const E = this.fields;
    const NF = this.nodeFields;
    const read = this.read;
    let e = read.count;
    let f = read.field;
    this.roomFor(to - from);
    const capacity = this.capacity;
    if (e >= capacity) return from;
    const { eType, eName, eTo, kindCount, edgeKind, edgeName, edgeTarget } = this;
    const records = this.records;
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
          if (v >= kindCount) break;
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
          this.took(e);
          if (++e === capacity || (records && !afterValue)) break;
        }
      } else if (c === 0x2c) {
        if (!afterValue) break;
        afterValue = false;
        i++;
        if (records && f === 0) break;
      } else if (c === 0x0a || c === 0x20 || c === 0x0d || c === 0x09) i++;
      else break;
    }
    read.count = e;
    read.field = f;
    scanner.afterValue = afterValue;
    scanner.count += parsed;
    return i;
  }

  private take(values: Float64Array, k: number, at: number): void {
    const E = this.fields;
    const NF = this.nodeFields;
    const read = this.read;
    let e = read.count;
    let f = read.field;
    const need = e + Math.ceil((f + k) / E);
    if (need > this.capacity) this.grow(grown(need, this.capacity, this.headerCount));
    const { eType, eName, eTo, kindCount, edgeKind, edgeName, edgeTarget } = this;
    for (let j = 0; j < k; j++) {
      const v = values[j]!;
      if (f === eType) {
        if (v >= kindCount) this.fail(at, `edge ${e}'s type to be below ${kindCount}`);
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
        this.took(e);
        e++;
      }
    }
    read.count = e;
    read.field = f;
  }

  /** Keeps the maxima that checkReferences needs, once edge `e` is complete. */
  private took(e: number): void {
    const target = this.edgeTarget[e]!;
    const name = this.edgeName[e]!;
    const read = this.read;
    if (target > read.maxTarget) read.maxTarget = target;
    if (name > read.maxName && this.kindIsIndex[this.edgeKind[e]!] === 0) read.maxName = name;
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.edgeKind = resize(this.edgeKind, capacity);
    this.edgeName = resize(this.edgeName, capacity);
    this.edgeTarget = resize(this.edgeTarget, capacity);
  }
}

const V8_EDGE_FIELDS = ["type", "name_or_index", "to_node"];

/** Doubling growth, stopping at the header's count when it is still ahead. */
export function grown(need: number, capacity: number, headerCount: number): number {
  const doubled = Math.max(need, 2 * capacity);
  return headerCount >= need ? Math.min(doubled, headerCount) : doubled;
}

type Column = Uint8Array | Uint32Array | Float64Array;

/** A copy `length` long, on shared memory so that index building can hand it to a thread. */
export function resize<T extends Column>(array: T, length: number): T {
  if (array.length === length) return array;
  const out = sharedArray(array.constructor as Parameters<typeof sharedArray<T>>[0], length);
  out.set(array.length <= length ? array : (array.subarray(0, length) as T));
  return out;
}

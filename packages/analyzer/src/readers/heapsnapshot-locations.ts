// V8's `locations` array (where each function was defined) parsed straight into LocationColumns:
// whole entries in V8's layout go through a loop per entry, anything else number by number
// through the scanner, which owns the JSON structure and its errors.

import type { LocationColumns } from "../graph/heap-graph.js";
import { startsWith } from "./heapsnapshot-columns.js";
import { resize } from "./heapsnapshot-edges.js";
import type { IntArrayScanner } from "./json-numbers.js";
import { isSpace } from "./json-value.js";
import type { V8Meta } from "./v8-columns.js";

const V8_LOCATION_FIELDS = ["object_index", "script_id", "line", "column"];

type Columns = [node: Uint32Array, scriptId: Uint32Array, line: Uint32Array, column: Uint32Array];

export class LocationsBuilder {
  private readonly width: number;
  /** Per field of an entry, which column it goes to (-1: none). */
  private readonly columnOf: number[];
  private readonly records: boolean;
  private readonly one = new Float64Array(1);
  private count = 0;
  private field = 0;
  private capacity = 1024;
  private columns = [0, 1, 2, 3].map(() => new Uint32Array(this.capacity)) as Columns;

  constructor(
    meta: V8Meta,
    /** object_index is an offset into the nodes array, like to_node. */
    private readonly nodeFields: number,
  ) {
    const fields = meta.location_fields ?? V8_LOCATION_FIELDS;
    this.width = fields.length;
    this.columnOf = fields.map((name) => V8_LOCATION_FIELDS.indexOf(name));
    this.records = this.width === 4 && startsWith(V8_LOCATION_FIELDS, fields);
  }

  /** Feeds the array's bytes; returns where this chunk's scan goes on. */
  feed(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    let i = from;
    for (;;) {
      if (this.records && this.field === 0 && scanner.ready) i = this.entries(b, i, to, scanner);
      if (i === to) return i;
      const k = scanner.scan(b, i, to, this.one);
      i = scanner.pos;
      if (k > 0) this.take(this.one[0]!);
      if (scanner.done || i === to) return i;
    }
  }

  /** The columns, exactly as long as the entries read. */
  finish(): LocationColumns {
    const [node, scriptId, line, column] = this.columns.map((c) =>
      c.slice(0, this.count),
    ) as Columns;
    return { node, scriptId, line, column };
  }

  /** Whole entries in V8's layout, each followed by its comma, up to the first that is not. */
  private entries(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    let i = from;
    if (scanner.afterValue) {
      // The scanner stopped after a number: the comma that follows it is taken here.
      while (i < to && isSpace(b[i]!)) i++;
      if (i === to || b[i] !== 0x2c) return i;
      i++;
      scanner.afterValue = false;
    }
    const NF = this.nodeFields;
    const first = this.count;
    let n = first;
    for (;;) {
      if (n === this.capacity) this.grow();
      const [nodes, scripts, lines, columns] = this.columns;
      const capacity = this.capacity;
      // As for nodes and edges: numbers parsed in place, `i` moves only past a whole entry.
      while (n < capacity && i < to) {
        let j = i;
        let d = 0;
        let node = b[j]! - 48;
        if (node >>> 0 > 9) break;
        for (j++; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          node = node * 10 + d;
        }
        if (j + 1 >= to || b[j] !== 0x2c) break;
        let script = b[++j]! - 48;
        if (script >>> 0 > 9) break;
        for (j++; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          script = script * 10 + d;
        }
        if (j + 1 >= to || b[j] !== 0x2c) break;
        let line = b[++j]! - 48;
        if (line >>> 0 > 9) break;
        for (j++; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          line = line * 10 + d;
        }
        if (j + 1 >= to || b[j] !== 0x2c) break;
        let column = b[++j]! - 48;
        if (column >>> 0 > 9) break;
        for (j++; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          column = column * 10 + d;
        }
        if (j < to && b[j] === 0x0a) j++;
        if (j >= to || b[j] !== 0x2c) break;
        nodes[n] = node / NF;
        scripts[n] = script;
        lines[n] = line;
        columns[n] = column;
        n++;
        i = j + 1;
      }
      if (n < capacity) break;
    }
    this.count = n;
    scanner.count += (n - first) * 4;
    return i;
  }

  private take(value: number): void {
    if (this.field === 0 && this.count === this.capacity) this.grow();
    const column = this.columnOf[this.field]!;
    if (column >= 0)
      this.columns[column]![this.count] = column === 0 ? value / this.nodeFields : value;
    if (++this.field === this.width) {
      this.field = 0;
      this.count++;
    }
  }

  private grow(): void {
    this.capacity *= 2;
    this.columns = this.columns.map((c) => resize(c, this.capacity)) as Columns;
  }
}

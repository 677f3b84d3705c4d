// Streams V8's nested allocation trace tree ([id, function_info_index, count, size, [children]]...)
// out of byte chunks and flattens it in pre-order, parents before children, with no recursion.

import { isSpace, type JsonFail } from "./json-value.js";
import { type TraceTreeColumns, traceNodeFieldsOf, type V8Meta } from "./v8-columns.js";

export class TraceTreeScanner {
  done = false;
  pos = 0;
  private length = 0;
  private id = new Uint32Array(256);
  private parent = new Int32Array(256);
  private functionInfo = new Uint32Array(256);
  private count = new Uint32Array(256);
  private size = new Float64Array(256);
  // Per nesting level: the node whose children it lists, the node being read, the next field.
  private depth = 0;
  private levelParent = new Int32Array(64);
  private levelNode = new Int32Array(64);
  private levelField = new Int32Array(64);
  private carrying = false;
  private carry = 0;
  private readonly width: number;
  private readonly fId: number;
  private readonly fInfo: number;
  private readonly fCount: number;
  private readonly fSize: number;
  private readonly fChildren: number;

  constructor(
    meta: V8Meta,
    private readonly fail: JsonFail,
  ) {
    const fields = traceNodeFieldsOf(meta);
    this.width = fields.length;
    [this.fId, this.fInfo, this.fCount, this.fSize, this.fChildren] = [
      "id",
      "function_info_index",
      "count",
      "size",
      "children",
    ].map((name) => fields.indexOf(name)) as [number, number, number, number, number];
  }

  feed(b: Uint8Array, from: number, to: number): void {
    let i = from;
    if (this.carrying) {
      let v = this.carry;
      for (; i < to; i++) {
        const d = b[i]! - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === to) {
        this.carry = v;
        this.pos = i;
        return;
      }
      this.carrying = false;
      this.number(v, i);
    }
    while (i < to) {
      const c = b[i]!;
      if (c >= 0x30 && c <= 0x39) {
        if (this.depth === 0) this.fail(i, "'[' opening trace_tree");
        let v = c - 48;
        for (i++; i < to; i++) {
          const d = b[i]! - 48;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
        }
        if (i === to) {
          this.carrying = true;
          this.carry = v;
          break;
        }
        this.number(v, i);
        continue;
      }
      if (c === 0x5b) this.open(i);
      else if (c === 0x5d) {
        if (--this.depth === 0) {
          this.done = true;
          i++;
          break;
        }
      } else if (c !== 0x2c && !isSpace(c)) this.fail(i, "a number, ',', '[' or ']' in trace_tree");
      i++;
    }
    this.pos = i;
  }

  columns(): TraceTreeColumns {
    const n = this.length;
    return {
      id: this.id.slice(0, n),
      parent: this.parent.slice(0, n),
      functionInfo: this.functionInfo.slice(0, n),
      count: this.count.slice(0, n),
      size: this.size.slice(0, n),
    };
  }

  private open(at: number): void {
    const d = this.depth;
    let parent = -1;
    if (d > 0) {
      if (this.levelField[d] !== this.fChildren) this.fail(at, "a number in a trace_tree node");
      parent = this.levelNode[d]!;
      this.levelField[d] = (this.fChildren + 1) % this.width;
    }
    if (d + 1 === this.levelParent.length) this.growLevels();
    this.depth = d + 1;
    this.levelParent[d + 1] = parent;
    this.levelField[d + 1] = 0;
  }

  private number(v: number, at: number): void {
    const d = this.depth;
    const f = this.levelField[d]!;
    if (f === this.fChildren) this.fail(at, "'[' opening a trace_tree node's children");
    if (f === 0) {
      if (this.length === this.id.length) this.growNodes();
      this.levelNode[d] = this.length;
      this.parent[this.length++] = this.levelParent[d]!;
    }
    const n = this.levelNode[d]!;
    if (f === this.fId) this.id[n] = v;
    else if (f === this.fInfo) this.functionInfo[n] = v;
    else if (f === this.fCount) this.count[n] = v;
    else if (f === this.fSize) this.size[n] = v;
    this.levelField[d] = (f + 1) % this.width;
  }

  private growNodes(): void {
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T): T => {
      const out = new (a.constructor as new (n: number) => T)(a.length * 2);
      out.set(a);
      return out;
    };
    this.id = grow(this.id);
    this.parent = grow(this.parent);
    this.functionInfo = grow(this.functionInfo);
    this.count = grow(this.count);
    this.size = grow(this.size);
  }

  private growLevels(): void {
    for (const key of ["levelParent", "levelNode", "levelField"] as const) {
      const out = new Int32Array(this[key].length * 2);
      out.set(this[key]);
      this[key] = out;
    }
  }
}

// Column blocks (FORMAT.md, "Column blocks"): a table's rows, one varint-coded column per field.
import { type ColumnEncoding, Encoding, NODE_OFFSET_FIELDS } from "./format.js";
import { type EdgeContext, SlotPredictor, type StringEntry } from "./format-columns.js";
import type { MsgPackWriter } from "./msgpack.js";

/** Growable byte buffer for varints. */
export class ByteBuffer {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  private grow(extra: number): void {
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Unsigned LEB128, exact up to 2^53. */
  varint(v: number): void {
    if (this.length + 8 > this.bytes.length) this.grow(8);
    const b = this.bytes;
    if (v < 0x80) {
      b[this.length++] = v;
      return;
    }
    while (v >= 0x80000000) {
      b[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    while (v >= 0x80) {
      b[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[this.length++] = v;
  }

  byte(v: number): void {
    if (this.length + 1 > this.bytes.length) this.grow(1);
    this.bytes[this.length++] = v;
  }
}

const zigzag = (d: number) => (d >= 0 ? d * 2 : -d * 2 - 1);

/** The coding the writer picks for a field of a table. */
export function encodingFor(table: string, field: string): ColumnEncoding {
  if (field === "type" || field === "detachedness") return Encoding.Bytes;
  if (table === "edges" && field === "to_node") return Encoding.SlotDelta;
  if (
    field === "id" ||
    field === "name_or_index" ||
    field === "trace_node_id" ||
    field === "object_index" ||
    field === "timestamp_us" ||
    field === "last_assigned_id" ||
    field === "function_id"
  )
    return Encoding.Delta;
  return Encoding.Varint;
}

/**
 * Writes a column block of `rows` rows from V8's flat layout `flat` (row-major, `fields.length`
 * wide) as a MessagePack map. `edges` is given for the edges table only.
 */
export function writeColumnBlock(
  out: MsgPackWriter,
  table: string,
  fields: readonly string[],
  flat: ArrayLike<number>,
  rows: number,
  nodeFieldCount: number,
  edges: EdgeContext | null,
  scratch: ByteBuffer,
): void {
  const width = fields.length;
  out.mapHeader(2);
  out.string("count");
  out.number(rows);
  out.string("columns");
  out.arrayHeader(width);
  for (let f = 0; f < width; f++) {
    const field = fields[f]!;
    let encoding = encodingFor(table, field);
    if (encoding === Encoding.SlotDelta && !edges) encoding = Encoding.Delta;
    const divisor = NODE_OFFSET_FIELDS.includes(field) ? nodeFieldCount : 1;
    const slots =
      encoding === Encoding.SlotDelta ? new SlotPredictor(edges!, flat, width, 0) : null;
    scratch.length = 0;
    let previous = 0;
    for (let r = 0, o = f; r < rows; r++, o += width) {
      const v = divisor === 1 ? flat[o]! : flat[o]! / divisor;
      if (encoding === Encoding.Varint) scratch.varint(v);
      else if (encoding === Encoding.Bytes) {
        if (v > 0xff) throw new RangeError(`${table}.${field} value ${v} does not fit a byte`);
        scratch.byte(v);
      } else if (encoding === Encoding.Delta) {
        scratch.varint(zigzag(v - previous));
        previous = v;
      } else {
        scratch.varint(zigzag(v - slots!.predict(r, previous)));
        slots!.remember(r, v);
        previous = v;
      }
    }
    out.arrayHeader(3);
    out.string(field);
    out.number(encoding);
    out.binary(scratch.bytes.subarray(0, scratch.length));
  }
}

/**
 * Writes a strings block: all texts concatenated (so zlib sees plain text), their lengths as
 * varints, and the few redacted or cut entries listed apart.
 */
export function writeStringsBlock(
  out: MsgPackWriter,
  first: number,
  entries: readonly StringEntry[],
  scratch: ByteBuffer,
): void {
  scratch.length = 0;
  const texts: string[] = [];
  const redacted: Array<[number, number]> = [];
  const cut: Array<[number, number]> = [];
  entries.forEach((entry, i) => {
    const text = typeof entry === "string" ? entry : typeof entry === "number" ? "" : entry[0];
    if (typeof entry === "number") redacted.push([i, entry]);
    else if (typeof entry !== "string") cut.push([i, entry[1]]);
    texts.push(text);
    scratch.varint(text.length);
  });
  out.mapHeader(3 + (redacted.length > 0 ? 1 : 0) + (cut.length > 0 ? 1 : 0));
  out.string("first");
  out.number(first);
  out.string("lengths");
  out.binary(scratch.bytes.subarray(0, scratch.length));
  out.string("text");
  out.string(texts.join(""));
  if (redacted.length > 0) {
    out.string("redacted");
    out.value(redacted);
  }
  if (cut.length > 0) {
    out.string("cut");
    out.value(cut);
  }
}

// Column blocks (FORMAT.md, "Column blocks"): a table's rows, one varint-coded column per field.
import { type ColumnEncoding, Encoding, NODE_OFFSET_FIELDS } from "./format.js";
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
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

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

/** What SlotDelta needs to predict an edge's target (FORMAT.md). */
export interface EdgeContext {
  /** Owning node index per row of the block. */
  owner: ArrayLike<number>;
  /** Column positions of the edge's type and name_or_index. */
  type: number;
  name: number;
  /** Per edge type: 1 for index-named kinds (element, hidden). */
  indexKind: Uint8Array;
}

/** Per edge type: 1 when name_or_index is an index (V8's element and hidden edges). */
export function indexKinds(edgeTypes: readonly string[]): Uint8Array {
  return Uint8Array.from(edgeTypes, (kind) => (kind === "element" || kind === "hidden" ? 1 : 0));
}

/**
 * Predicted target of each edge of a block (node indexes), given the real targets so far:
 * the previous target for an index-named edge of the same owner; else the target of the last
 * edge with the same type and name, moved by how far the owner moved; else the owner itself.
 * Objects of one shape laid out in a row make the residual zero.
 */
class SlotPredictor {
  private readonly lastTarget = new Map<number, number>();
  private readonly lastOwner = new Map<number, number>();

  constructor(
    private readonly edges: EdgeContext,
    private readonly flat: { [i: number]: number },
    private readonly width: number,
    private readonly base: number,
  ) {}

  predict(r: number, previousTarget: number): number {
    const { owner, indexKind } = this.edges;
    const o = this.base + r * this.width;
    const type = this.flat[o + this.edges.type]!;
    const own = owner[r]!;
    if (indexKind[type] === 1 && r > 0 && owner[r - 1] === own) return previousTarget;
    const key = type * 0x100000000 + this.flat[o + this.edges.name]!;
    const last = this.lastTarget.get(key);
    return last === undefined ? own : last + (own - this.lastOwner.get(key)!);
  }

  remember(r: number, target: number): void {
    const o = this.base + r * this.width;
    const type = this.flat[o + this.edges.type]!;
    if (indexKind(this.edges, type, r)) return;
    const key = type * 0x100000000 + this.flat[o + this.edges.name]!;
    this.lastTarget.set(key, target);
    this.lastOwner.set(key, this.edges.owner[r]!);
  }
}

function indexKind(edges: EdgeContext, type: number, r: number): boolean {
  return edges.indexKind[type] === 1 && r > 0 && edges.owner[r - 1] === edges.owner[r];
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

/** A decoded column block's columns, as given by MessagePack: [name, encoding, data]. */
export type RawColumn = [string, number, Uint8Array];

/**
 * Decodes one column into `out` at rows `start..start+count-1` of a row-major table of `width`
 * columns at column `f`. Offsets-as-indexes are multiplied back by `nodeFieldCount` when given.
 */
export function decodeColumn(
  column: RawColumn,
  count: number,
  out: { [i: number]: number },
  start: number,
  width: number,
  f: number,
  edges: EdgeContext | null,
  multiplier: number,
): void {
  const [, encoding, data] = column;
  if (encoding === Encoding.SlotDelta && !edges)
    throw new RangeError(`column ${column[0]}: slot deltas outside an edge block`);
  const slots =
    encoding === Encoding.SlotDelta ? new SlotPredictor(edges!, out, width, start * width) : null;
  let at = 0;
  let previous = 0;
  for (let r = 0, o = start * width + f; r < count; r++, o += width) {
    let v: number;
    if (encoding === Encoding.Bytes) v = data[at++]!;
    else {
      // Inline LEB128 decode; exact up to 2^53.
      let b = data[at++]!;
      v = b & 0x7f;
      let scale = 0x80;
      while (b & 0x80) {
        b = data[at++]!;
        v += (b & 0x7f) * scale;
        scale *= 0x80;
      }
      if (encoding === Encoding.Delta) v = previous += unzigzag(v);
      else if (encoding === Encoding.SlotDelta) {
        v = slots!.predict(r, previous) + unzigzag(v);
        slots!.remember(r, v);
        previous = v;
      }
    }
    out[o] = v * multiplier;
  }
  if (at > data.length) throw new RangeError(`column ${column[0]} ends early`);
}

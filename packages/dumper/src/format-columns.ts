// Decoding of column blocks (FORMAT.md, "Column blocks"), shared by every .hmat reader through
// the side-effect-free `@heapmat/dumper/format` subpath, so the edge-target prediction has one
// definition for writer and readers alike.
import { Encoding } from "./format-constants.js";

const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

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
export class SlotPredictor {
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

/** A string table entry: the string, a redacted length, or a cut [prefix, original length]. */
export type StringEntry = string | number | [string, number];

/** A strings section's body (FORMAT.md, "Strings"). */
export interface StringsBlock {
  first: number;
  lengths: Uint8Array;
  text: string;
  redacted?: Array<[number, number]>;
  cut?: Array<[number, number]>;
}

function readVarints(data: Uint8Array): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < data.length) {
    let b = data[at++]!;
    let v = b & 0x7f;
    let scale = 0x80;
    while (b & 0x80) {
      b = data[at++]!;
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    out.push(v);
  }
  return out;
}

/** The entries of a strings block, in order. */
export function unpackStrings(block: StringsBlock): StringEntry[] {
  const lengths = readVarints(block.lengths);
  const entries: StringEntry[] = new Array(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    entries[i] = block.text.slice(at, at + lengths[i]!);
    at += lengths[i]!;
  }
  if (at !== block.text.length)
    throw new RangeError("strings block: lengths do not match the text");
  for (const [i, length] of block.redacted ?? []) entries[i] = length;
  for (const [i, length] of block.cut ?? []) entries[i] = [entries[i] as string, length];
  return entries;
}

/**
 * What a column-at-a-time SlotDelta decode needs: per row of the block, its owning node, and its
 * edge type and name as already decoded (separate columns instead of V8's row-major layout).
 */
export interface EdgeRows {
  owner: ArrayLike<number>;
  type: ArrayLike<number>;
  name: ArrayLike<number>;
  /** Per edge type: 1 for index-named kinds (element, hidden). */
  indexKind: Uint8Array;
}

/** A typed array a column decodes straight into (values past its range wrap as in `set`). */
export type ColumnTarget = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/**
 * Decodes one column of `count` rows into `out[0..count-1]`, one value per row: the same values
 * as decodeColumn, without the row-major table, so a reader can copy them straight into its own
 * typed arrays. Offsets stay node indexes (no multiplier).
 */
export function decodeColumnValues(
  column: RawColumn,
  count: number,
  out: Float64Array,
  edges: EdgeRows | null,
): void {
  decodeColumnInto(column, count, out, 0, edges);
}

/**
 * Decodes one column of `count` rows straight into `out[start..start+count-1]`, whatever the
 * typed array (no intermediate array, no copy): decodeColumnValues' values, stored as `out`'s
 * element type stores them. For SlotDelta, `edges` describes the block's rows 0..count-1.
 */
export function decodeColumnInto(
  column: RawColumn,
  count: number,
  out: ColumnTarget,
  start: number,
  edges: EdgeRows | null,
): void {
  const [name, encoding, data] = column;
  if (start + count > out.length) throw new RangeError(`column ${name}: ${count} rows do not fit`);
  if (encoding === Encoding.Bytes) {
    if (data.length < count) throw new RangeError(`column ${name} ends early`);
    if (out instanceof Uint8Array) out.set(data.subarray(0, count), start);
    else for (let r = 0; r < count; r++) out[start + r] = data[r]!;
    return;
  }
  let at: number;
  if (encoding === Encoding.SlotDelta) {
    if (!edges) throw new RangeError(`column ${name}: slot deltas outside an edge block`);
    at = decodeSlotDeltas(data, count, out, start, edges);
  } else if (encoding === Encoding.Delta) at = decodeDeltas(data, count, out, start);
  else at = decodeVarints(data, count, out, start);
  if (at > data.length) throw new RangeError(`column ${name} ends early`);
}

// Each decoding loop reads LEB128 inline (a shared helper measured 20-30% slower): up to four
// bytes (28 bits, most values) in integer arithmetic, longer ones in floating point (exact to
// 2^53). Reading past the end reads zeros; the caller then sees more bytes read than there are.
// Zigzag in integer arithmetic likewise below 2^28.

function decodeVarints(data: Uint8Array, count: number, out: ColumnTarget, start: number) {
  let at = 0;
  for (let r = 0; r < count; r++) {
    let b = data[at++]!;
    let z = b & 0x7f;
    if (b > 0x7f) {
      b = data[at++]!;
      z |= (b & 0x7f) << 7;
      if (b > 0x7f) {
        b = data[at++]!;
        z |= (b & 0x7f) << 14;
        if (b > 0x7f) {
          b = data[at++]!;
          z |= (b & 0x7f) << 21;
          for (let scale = 0x10000000; b > 0x7f; scale *= 0x80) {
            b = data[at++]!;
            z += (b & 0x7f) * scale;
          }
        }
      }
    }
    out[start + r] = z;
  }
  return at;
}

function decodeDeltas(data: Uint8Array, count: number, out: ColumnTarget, start: number) {
  let at = 0;
  let previous = 0;
  for (let r = 0; r < count; r++) {
    let b = data[at++]!;
    let z = b & 0x7f;
    if (b > 0x7f) {
      b = data[at++]!;
      z |= (b & 0x7f) << 7;
      if (b > 0x7f) {
        b = data[at++]!;
        z |= (b & 0x7f) << 14;
        if (b > 0x7f) {
          b = data[at++]!;
          z |= (b & 0x7f) << 21;
          for (let scale = 0x10000000; b > 0x7f; scale *= 0x80) {
            b = data[at++]!;
            z += (b & 0x7f) * scale;
          }
        }
      }
    }
    previous += z < 0x10000000 ? (z >>> 1) ^ -(z & 1) : unzigzag(z);
    out[start + r] = previous;
  }
  return at;
}

/** SlotDelta over separate columns (see SlotPredictor for the rule). Returns the bytes read. */
function decodeSlotDeltas(
  data: Uint8Array,
  count: number,
  out: ColumnTarget,
  start: number,
  edges: EdgeRows,
) {
  const { owner, type, name, indexKind } = edges;
  // (type, name) -> last target and its owner, in an open-addressing table on typed arrays: per
  // slot the key (the reference's type * 2^32 + name), target and owner, side by side so that a
  // probe touches one cache line. Fibonacci hashing: the product's top bits index the table.
  const { slots, stamp, generation } = slotTable(count);
  const mask = stamp.length - 1;
  const shift = Math.clz32(mask);
  let at = 0;
  let previous = 0;
  let previousOwner = -1;
  for (let r = 0; r < count; r++) {
    let b = data[at++]!;
    let z = b & 0x7f;
    if (b > 0x7f) {
      b = data[at++]!;
      z |= (b & 0x7f) << 7;
      if (b > 0x7f) {
        b = data[at++]!;
        z |= (b & 0x7f) << 14;
        if (b > 0x7f) {
          b = data[at++]!;
          z |= (b & 0x7f) << 21;
          for (let scale = 0x10000000; b > 0x7f; scale *= 0x80) {
            b = data[at++]!;
            z += (b & 0x7f) * scale;
          }
        }
      }
    }
    const d = z < 0x10000000 ? (z >>> 1) ^ -(z & 1) : unzigzag(z);
    const t = type[r]!;
    const own = owner[r]!;
    let v: number;
    if (indexKind[t] === 1 && previousOwner === own) v = previous + d;
    else {
      const n = name[r]!;
      const key = t * 0x100000000 + n;
      let h = Math.imul(n ^ Math.imul(t, 0x01000193), 0x9e3779b1) >>> shift;
      for (;;) {
        const s = h * 4;
        if (stamp[h] !== generation) {
          stamp[h] = generation;
          slots[s] = key;
          v = own + d;
        } else if (slots[s] === key) v = slots[s + 1]! + (own - slots[s + 2]!) + d;
        else {
          h = (h + 1) & mask;
          continue;
        }
        slots[s + 1] = v;
        slots[s + 2] = own;
        break;
      }
    }
    out[start + r] = v;
    previous = v;
    previousOwner = own;
  }
  return at;
}

interface SlotTable {
  /** Per slot: key, last target, its owner, unused (four numbers: aligned). */
  slots: Float64Array;
  /** A slot is in use when its stamp is the current generation: no clearing between blocks. */
  stamp: Uint32Array;
  generation: number;
}

let reusedSlots: SlotTable | null = null;

/** A table with room for `count` keys at most half full, reused from block to block. */
function slotTable(count: number): SlotTable {
  let capacity = 1024;
  while (capacity < count * 2) capacity *= 2;
  if (!reusedSlots || reusedSlots.stamp.length < capacity || reusedSlots.generation >= 0xfffffffe)
    reusedSlots = {
      slots: new Float64Array(capacity * 4),
      stamp: new Uint32Array(capacity),
      generation: 0,
    };
  reusedSlots.generation++;
  return reusedSlots;
}

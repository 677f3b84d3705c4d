import { Packr } from "msgpackr";
import { pointColumn } from "./point-column.js";

// One buffer holding a MessagePack header and any number of typed arrays, each at an offset that
// is a multiple of 8:
//
//   magic (8 bytes) · u32 LE header length · header (MessagePack) · arrays (little-endian)
//
// The header carries the caller's own fields plus `columns`: where each array lies, its type, and
// a fill value instead of bytes when all its values are equal (nothing stored: an allocation
// tracking id column without tracking). Reading is per column, on request: a view on the source's
// bytes, which may be a file loaded on demand.
//
// Columns are stored at their own width on purpose. Narrower storage (ids and sizes in u32) would
// shrink the file but not re-opening: widening back to the contract's f64 fills fresh memory as
// large as reading them wide, and filling fresh memory, not reading bytes, is what loading costs.

export type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

const TYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f64: Float64Array,
} as const;
type TypeCode = keyof typeof TYPES;
export type ColumnType = (typeof TYPES)[TypeCode];

interface ColumnEntry {
  name: string;
  type: TypeCode;
  /** "fill": not stored, every value is `fill`. */
  stored?: "fill";
  fill?: number;
  offset: number;
  length: number;
}

/** The packed bytes: in memory, or a file loaded on demand (the Node layer's sidecar). */
export interface PackedSource {
  /** Shown in errors: usually the file's path. */
  readonly name: string;
  readonly size: number;
  /** The bytes at [offset, offset + length), as a view that stays valid; throws when past the end. */
  bytes(offset: number, length: number): Uint8Array;
  /** A source loaded on demand may also offer its pages, for point reads (point-column.ts). */
  readonly pages?: SourcePages;
}

/** A source's bytes in one buffer, loaded a page at a time. */
export interface SourcePages {
  /** All of the source's bytes; only the loaded pages hold them yet. */
  readonly all: Uint8Array;
  /** log2 of the page size. */
  readonly shift: number;
  /** Non-zero for each loaded page. */
  readonly loaded: Uint8Array;
  /** Loads pages from..to-1 on this thread alone; throws as `bytes` does where the source is short. */
  load(from: number, to: number): void;
}

export type ByteRange = readonly [offset: number, length: number];

/** A PackedSource over bytes in memory. */
export function packedBytes(bytes: Uint8Array, name = "cache"): PackedSource {
  return {
    name,
    size: bytes.byteLength,
    bytes(offset, length) {
      if (offset < 0 || offset + length > bytes.byteLength)
        throw new RangeError(`${name}: ${length} bytes at ${offset} are past its end`);
      return bytes.subarray(offset, offset + length);
    },
  };
}

const packr = new Packr({ useRecords: false });

function typeCode(column: Column): TypeCode {
  for (const code of Object.keys(TYPES) as TypeCode[])
    if (column.constructor === TYPES[code]) return code;
  throw new TypeError(`no column type for ${column.constructor.name}`);
}

/** A column all of one value is stored as that value (not NaN or -0, which a fill would lose). */
function storage(column: Column): Pick<ColumnEntry, "stored" | "fill"> {
  if (column.length === 0) return {};
  const first = column[0]!;
  if (Number.isNaN(first) || Object.is(first, -0)) return {};
  for (let i = 1; i < column.length; i++) if (!Object.is(column[i], first)) return {};
  return { stored: "fill", fill: first };
}

/** Packs `header` (any MessagePack-able object) and the named columns into one buffer. */
export function packColumns(
  magic: readonly number[],
  header: object,
  columns: Record<string, Column>,
): Uint8Array {
  const entries: ColumnEntry[] = [];
  const stored: Column[] = [];
  let offset = 0;
  for (const [name, column] of Object.entries(columns)) {
    const type = typeCode(column);
    const how = storage(column);
    const bytes = how.stored === "fill" ? new Uint8Array(0) : column;
    entries.push({ name, type, ...how, offset, length: column.length });
    stored.push(bytes);
    offset = align8(offset + bytes.byteLength);
  }
  const head = packr.pack({ ...header, columns: entries });
  const dataStart = align8(magic.length + 4 + head.byteLength);
  const out = new Uint8Array(dataStart + offset);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, head.byteLength, true);
  out.set(head, magic.length + 4);
  entries.forEach(({ offset: at }, i) => {
    const column = stored[i]!;
    out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), dataStart + at);
  });
  return out;
}

export interface UnpackedColumns<H> {
  header: H;
  /** The source's name, for errors. */
  source: string;
  /**
   * The named column's type, length and byte offset in the source, known without reading it;
   * undefined when absent.
   */
  describe(name: string): { type: ColumnType; length: number; offset: number } | undefined;
  /**
   * Reads the named column: a view on the source's bytes when stored at its own width. `alone`:
   * on this thread only, for a small column that a point query needs whole (a string block).
   */
  read(name: string, alone?: boolean): Column;
  /**
   * The named column for reading a few values: on a source with pages, one that loads the page
   * of each value read, and reads the whole column through `whole` for anything else; otherwise
   * `whole()`.
   */
  readPoints(name: string, whole: () => Column): Column;
}

/**
 * Reads the header and column table of what packColumns wrote (not the columns), or null when the
 * magic, the header or the column table is damaged, or a column lies past the end.
 */
export function unpackColumns<H>(
  magic: readonly number[],
  source: PackedSource,
): UnpackedColumns<H> | null {
  const fixed = magic.length + 4;
  if (source.size < fixed) return null;
  const start = source.bytes(0, fixed).slice();
  if (magic.some((b, i) => start[i] !== b)) return null;
  const headLength = new DataView(start.buffer).getUint32(magic.length, true);
  if (fixed + headLength > source.size) return null;
  let header: (H & { columns?: unknown }) | null;
  try {
    header = packr.unpack(source.bytes(fixed, headLength).slice());
  } catch {
    return null;
  }
  if (!header || typeof header !== "object" || !Array.isArray(header.columns)) return null;
  const dataStart = align8(fixed + headLength);
  const entries = new Map<string, ColumnEntry>();
  for (const entry of header.columns as ColumnEntry[]) {
    if (!validEntry(entry, dataStart, source.size)) return null;
    entries.set(entry.name, entry);
  }
  const range = (entry: ColumnEntry): ByteRange => [
    dataStart + entry.offset,
    entry.stored === "fill" ? 0 : entry.length * TYPES[entry.type].BYTES_PER_ELEMENT,
  ];
  return {
    header,
    source: source.name,
    describe(name) {
      const entry = entries.get(name);
      return entry && { type: TYPES[entry.type], length: entry.length, offset: range(entry)[0] };
    },
    read(name, alone = false) {
      const entry = entries.get(name);
      if (!entry) throw new RangeError(`${source.name}: no column ${name}`);
      const { pages } = source;
      const bytes = (offset: number, length: number) => {
        if (alone && pages && length > 0)
          pages.load(offset >>> pages.shift, ((offset + length - 1) >>> pages.shift) + 1);
        return source.bytes(offset, length);
      };
      return readColumn(bytes, range(entry), entry);
    },
    readPoints(name, whole) {
      const entry = entries.get(name);
      const { pages } = source;
      if (!entry || !pages || entry.stored === "fill") return whole();
      const [offset] = range(entry);
      const Type = TYPES[entry.type];
      const at = pages.all.byteOffset + offset;
      if (at % Type.BYTES_PER_ELEMENT !== 0) return whole();
      return pointColumn(
        new Type(pages.all.buffer as ArrayBuffer, at, entry.length),
        offset,
        pages,
        whole,
      );
    },
  };
}

function validEntry(entry: ColumnEntry, dataStart: number, size: number): boolean {
  const Type = TYPES[entry?.type];
  if (!Type || typeof entry.name !== "string") return false;
  if (!Number.isSafeInteger(entry.offset) || !Number.isSafeInteger(entry.length)) return false;
  if (entry.offset < 0 || entry.length < 0) return false;
  if (entry.stored === "fill") return typeof entry.fill === "number";
  return (
    entry.stored === undefined &&
    dataStart + entry.offset + entry.length * Type.BYTES_PER_ELEMENT <= size
  );
}

function readColumn(
  bytesAt: PackedSource["bytes"],
  [from, byteLength]: ByteRange,
  entry: ColumnEntry,
): Column {
  const Type = TYPES[entry.type];
  const { length } = entry;
  if (entry.stored === "fill") {
    const column = new Type(length);
    return entry.fill === 0 ? column : column.fill(entry.fill!);
  }
  const bytes = bytesAt(from, byteLength);
  return bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0
    ? new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, length)
    : new Type(bytes.slice().buffer);
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

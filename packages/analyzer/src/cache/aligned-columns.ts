import { Packr } from "msgpackr";

// One buffer holding a MessagePack header and any number of typed arrays, each at an offset that
// is a multiple of 8, so that reading it back makes views on the bytes instead of copies:
//
//   magic (8 bytes) · u32 LE header length · header (MessagePack) · arrays (little-endian)
//
// The header carries the caller's own fields plus `columns`: where each array lies and its type.

export type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

const TYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f64: Float64Array,
} as const;
type TypeCode = keyof typeof TYPES;

interface ColumnEntry {
  name: string;
  type: TypeCode;
  offset: number;
  length: number;
}

const packr = new Packr({ useRecords: false });

function typeCode(column: Column): TypeCode {
  for (const code of Object.keys(TYPES) as TypeCode[])
    if (column.constructor === TYPES[code]) return code;
  throw new TypeError(`no column type for ${column.constructor.name}`);
}

/** Packs `header` (any MessagePack-able object) and the named columns into one buffer. */
export function packColumns(
  magic: readonly number[],
  header: object,
  columns: Record<string, Column>,
): Uint8Array {
  const entries: ColumnEntry[] = [];
  let offset = 0;
  for (const [name, column] of Object.entries(columns)) {
    entries.push({ name, type: typeCode(column), offset, length: column.length });
    offset = align8(offset + column.byteLength);
  }
  const head = packr.pack({ ...header, columns: entries });
  const dataStart = align8(magic.length + 4 + head.byteLength);
  const out = new Uint8Array(dataStart + offset);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, head.byteLength, true);
  out.set(head, magic.length + 4);
  for (const { name, offset: at } of entries) {
    const column = columns[name]!;
    out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), dataStart + at);
  }
  return out;
}

export interface UnpackedColumns<H> {
  header: H;
  /** The named column as a view on the bytes (a copy when they are not aligned), or undefined. */
  column(name: string): Column | undefined;
}

/** Reads what packColumns wrote, or null when the magic, header or column table is damaged. */
export function unpackColumns<H>(
  magic: readonly number[],
  bytes: Uint8Array,
): UnpackedColumns<H> | null {
  const fixed = magic.length + 4;
  if (bytes.byteLength < fixed || magic.some((b, i) => bytes[i] !== b)) return null;
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, fixed).getUint32(
    magic.length,
    true,
  );
  if (fixed + headLength > bytes.byteLength) return null;
  let header: (H & { columns?: unknown }) | null;
  try {
    header = packr.unpack(bytes.subarray(fixed, fixed + headLength));
  } catch {
    return null;
  }
  if (!header || typeof header !== "object" || !Array.isArray(header.columns)) return null;
  const dataStart = align8(fixed + headLength);
  const found = new Map<string, Column>();
  for (const entry of header.columns as ColumnEntry[]) {
    const Type = TYPES[entry?.type];
    if (!Type || !Number.isSafeInteger(entry.offset) || !Number.isSafeInteger(entry.length))
      return null;
    const from = dataStart + entry.offset;
    const to = from + entry.length * Type.BYTES_PER_ELEMENT;
    if (entry.offset < 0 || entry.length < 0 || to > bytes.byteLength) return null;
    const start = bytes.byteOffset + from;
    found.set(
      entry.name,
      start % Type.BYTES_PER_ELEMENT === 0
        ? new Type(bytes.buffer as ArrayBuffer, start, entry.length)
        : new Type(bytes.slice(from, to).buffer),
    );
  }
  return { header, column: (name) => found.get(name) };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

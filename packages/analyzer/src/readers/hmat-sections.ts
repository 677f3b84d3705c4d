// A .hmat file's sections (packages/dumper/FORMAT.md): their framing, read without inflating; their
// bodies, unpacked with msgpackr; column blocks, checked. Shared by the reader and the thread that
// decodes a big file's last edge blocks.
import type { RawColumn } from "@heapmat/dumper/format";
import { Unpackr } from "msgpackr";
import type { Block } from "./hmat-graph.js";
import { SnapshotReadError } from "./source.js";

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

export interface Frame {
  tag: string;
  rawLength: number;
  body: Uint8Array;
  offset: number;
}

/** A section's framing (FORMAT.md), read without inflating: its tag, raw length and body's place. */
export interface FrameHeader {
  tag: string;
  rawLength: number;
  /** Where the body starts, from the section's first byte, and its length. */
  at: number;
  length: number;
}

/**
 * The framing of the section at the start of `b`, or null when `b` stops inside it; `fail` is
 * given the offset in `b` of a byte that cannot be framing.
 */
export function frameHeader(
  b: Uint8Array,
  fail: (at: number, expected: string) => never,
): FrameHeader | null {
  if (b.length < 1) return null;
  if (b[0] !== 0x93) fail(0, "a section: a MessagePack array of 3");
  let at = 1;
  // tag: fixstr or str8
  if (b.length < at + 2) return null;
  let tagLength: number;
  if ((b[at]! & 0xe0) === 0xa0) {
    tagLength = b[at]! & 0x1f;
    at += 1;
  } else if (b[at] === 0xd9) {
    tagLength = b[at + 1]!;
    at += 2;
  } else return fail(at, "a section tag (a MessagePack string)");
  if (b.length < at + tagLength + 1) return null;
  const tag = new TextDecoder().decode(b.subarray(at, at + tagLength));
  at += tagLength;
  const rawLength = uint(b, at, fail);
  if (rawLength === null) return null;
  at = rawLength.next;
  if (b.length < at + 1) return null;
  const kind = b[at]!;
  const size =
    kind === 0xc4
      ? 1
      : kind === 0xc5
        ? 2
        : kind === 0xc6
          ? 4
          : fail(at, "a section body (MessagePack bin)");
  if (b.length < at + 1 + size) return null;
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + b[at + 1 + i]!;
  return { tag, rawLength: rawLength.value, at: at + 1 + size, length };
}

function uint(
  b: Uint8Array,
  at: number,
  fail: (at: number, expected: string) => never,
): { value: number; next: number } | null {
  if (b.length < at + 1) return null;
  const kind = b[at]!;
  if (kind < 0x80) return { value: kind, next: at + 1 };
  const size = kind === 0xcc ? 1 : kind === 0xcd ? 2 : kind === 0xce ? 4 : kind === 0xcf ? 8 : 0;
  if (size === 0) fail(at, "a section's raw length (a MessagePack unsigned int)");
  if (b.length < at + 1 + size) return null;
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + b[at + 1 + i]!;
  return { value, next: at + 1 + size };
}

/** A section's value, from its inflated body. */
export function unpackBody(file: string, frame: Frame, raw: Uint8Array): Record<string, unknown> {
  const expected = expectedBody(frame);
  // The stated length sizes the inflater's buffer: a wrong one is a corrupt file.
  if (raw.length !== frame.rawLength)
    throw new SnapshotReadError(
      file,
      frame.offset,
      `${expected} of ${frame.rawLength} bytes once inflated (it inflates to ${raw.length})`,
    );
  try {
    return unpackr.unpack(raw) as Record<string, unknown>;
  } catch {
    throw new SnapshotReadError(file, frame.offset, expected);
  }
}

export const expectedBody = (frame: Frame) =>
  `a zlib-compressed MessagePack "${frame.tag}" section`;

/** A column block's shape, and a row count its columns can hold (each row takes a byte or more). */
export function checkBlock(value: Record<string, unknown>, offset: number): Block {
  const { count, columns } = value as { count: unknown; columns: unknown };
  if (!Number.isSafeInteger(count) || (count as number) < 0 || !Array.isArray(columns))
    throw new TypeError("a block needs a row count and columns");
  for (const column of columns)
    if (
      !Array.isArray(column) ||
      typeof column[0] !== "string" ||
      typeof column[1] !== "number" ||
      !(column[2] instanceof Uint8Array) ||
      column[2].length < (count as number)
    )
      throw new TypeError(`column ${String(column?.[0])} cannot hold ${count} rows`);
  return { count: count as number, columns: columns as RawColumn[], offset };
}

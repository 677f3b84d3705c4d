import { type LazyStrings, lazyStrings } from "../graph/lazy-strings.js";
import type { Column } from "./aligned-columns.js";

// The graph's interned strings as columns: each string's length (UTF-16 code units) and the
// strings' text, concatenated, in blocks of at most BLOCK_BYTES. Reading decodes each block with
// one TextDecoder call and slices it, instead of parsing one string at a time, and only when a
// string is first asked for: all of them, or for point reads those of one block (then sliced one
// string at a time). A block holding a lone surrogate (UTF-8 cannot carry it) is stored as raw
// UTF-16 code units instead.

const BLOCK_BYTES = 32 << 20;

export interface StringBlock {
  /** Number of strings in the block. */
  count: number;
  encoding: "utf8" | "utf16";
}

export interface EncodedStrings {
  blocks: StringBlock[];
  /** Columns: "lengths", then "block<i>" per block. */
  columns: Record<string, Column>;
}

export function encodeStrings(
  strings: readonly string[],
  blockBytes = BLOCK_BYTES,
): EncodedStrings {
  const lengths = new Uint32Array(strings.length);
  const blocks: StringBlock[] = [];
  const columns: Record<string, Column> = { lengths };
  const encoder = new TextEncoder();
  let first = 0;
  while (first < strings.length || blocks.length === 0) {
    // Up to blockBytes of UTF-16 (at most 1.5 times that in UTF-8).
    let end = first;
    let units = 0;
    while (end < strings.length && (units < blockBytes / 2 || end === first)) {
      lengths[end] = strings[end]!.length;
      units += lengths[end]!;
      end++;
    }
    const text = strings.slice(first, end).join("");
    const wellFormed = (text as { isWellFormed?: () => boolean }).isWellFormed?.() ?? false;
    let bytes: Column;
    if (wellFormed) bytes = encoder.encode(text);
    else {
      bytes = new Uint16Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    }
    columns[`block${blocks.length}`] = bytes;
    blocks.push({ count: end - first, encoding: wellFormed ? "utf8" : "utf16" });
    first = end;
  }
  return { blocks, columns };
}

/** The strings of a cache, decoded when first read (graph/lazy-strings.ts). */
export type StringTable = LazyStrings;

/** What a string table throws, by default, for a block that does not decode to its lengths. */
export class DamagedStrings extends Error {
  constructor(readonly block: number) {
    super(`string block ${block} does not hold the lengths listed for it`);
  }
}

/**
 * The strings of `blocks`, read through `column` (with `alone` for point reads, see
 * UnpackedColumns.read) when first asked for; null when the blocks do not add up to `lengths`.
 * A block whose text then disagrees with its lengths throws `damaged(block)`.
 */
export function stringTable(
  blocks: readonly StringBlock[],
  lengths: Uint32Array,
  column: (name: string, alone?: boolean) => Column | undefined,
  damaged: (block: number) => Error = (block) => new DamagedStrings(block),
): StringTable | null {
  if (!Array.isArray(blocks)) return null;
  const firstOf = new Uint32Array(blocks.length + 1);
  for (let b = 0; b < blocks.length; b++) {
    const { count, encoding } = blocks[b]!;
    if (!Number.isSafeInteger(count) || count < 0) return null;
    if (encoding !== "utf8" && encoding !== "utf16") return null;
    firstOf[b + 1] = firstOf[b]! + count;
  }
  if (firstOf[blocks.length] !== lengths.length) return null;

  const texts: string[] = [];
  const text = (b: number, alone: boolean): string => {
    if (texts[b] !== undefined) return texts[b];
    const bytes = column(`block${b}`, alone);
    let decoded: string;
    // ignoreBOM: a string that starts with U+FEFF keeps it.
    if (blocks[b]!.encoding === "utf8" && bytes instanceof Uint8Array)
      decoded = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    else if (blocks[b]!.encoding === "utf16" && bytes instanceof Uint16Array)
      decoded = fromCodeUnits(bytes);
    else throw damaged(b);
    let units = 0;
    for (let i = firstOf[b]!; i < firstOf[b + 1]!; i++) units += lengths[i]!;
    if (units !== decoded.length) throw damaged(b);
    texts[b] = decoded;
    return decoded;
  };
  return lazyStrings({ lengths, firstOf, text });
}

function fromCodeUnits(units: Uint16Array): string {
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 8192)
    parts.push(String.fromCharCode(...units.subarray(i, i + 8192)));
  return parts.join("");
}

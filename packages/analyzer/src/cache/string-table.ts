import type { Column } from "./aligned-columns.js";

// The graph's interned strings as columns: each string's length (UTF-16 code units) and the
// strings' text, concatenated, in blocks of at most BLOCK_BYTES. Reading decodes each block with
// one TextDecoder call and slices it, instead of parsing one string at a time. A block holding a
// lone surrogate (UTF-8 cannot carry it) is stored as raw UTF-16 code units instead.

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

/** The strings back, or null when the columns do not agree with each other (a damaged cache). */
export function decodeStrings(
  blocks: readonly StringBlock[],
  column: (name: string) => Column | undefined,
): string[] | null {
  const lengths = column("lengths");
  if (!(lengths instanceof Uint32Array) || !Array.isArray(blocks)) return null;
  const strings = new Array<string>(lengths.length);
  // ignoreBOM: a string that starts with U+FEFF keeps it.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let next = 0;
  for (let b = 0; b < blocks.length; b++) {
    const { count, encoding } = blocks[b]!;
    const bytes = column(`block${b}`);
    if (!bytes || !Number.isSafeInteger(count) || next + count > lengths.length) return null;
    let text: string;
    if (encoding === "utf8" && bytes instanceof Uint8Array) text = decoder.decode(bytes);
    else if (encoding === "utf16" && bytes instanceof Uint16Array) text = fromCodeUnits(bytes);
    else return null;
    let at = 0;
    for (let end = next + count; next < end; next++) {
      const length = lengths[next]!;
      strings[next] = text.slice(at, at + length);
      at += length;
    }
    if (at !== text.length) return null;
  }
  return next === lengths.length ? strings : null;
}

function fromCodeUnits(units: Uint16Array): string {
  const parts: string[] = [];
  for (let i = 0; i < units.length; i += 8192)
    parts.push(String.fromCharCode(...units.subarray(i, i + 8192)));
  return parts.join("");
}

import { decodeColumnInto, Encoding, type StringsBlock } from "@heapmat/dumper/format";
import type { StringTexts } from "../graph/lazy-strings.js";

// A .hmat file's "strings" sections, kept as their texts and lengths: the graph makes its strings
// from them when first read (graph/lazy-strings.ts). What a dump left out or cut is said so.

interface Block {
  text: string;
  lengths: Uint32Array;
  redacted: ReadonlyArray<[number, number]>;
  cut: ReadonlyArray<[number, number]>;
}

export class HmatStrings {
  private readonly blocks: Block[] = [];
  private count = 0;

  /** Keeps a section's strings; throws a RangeError when its lengths do not add up to its text. */
  add({ lengths, text, redacted = [], cut = [] }: StringsBlock): void {
    const decoded = varints(lengths);
    let units = 0;
    for (let i = 0; i < decoded.length; i++) units += decoded[i]!;
    if (units !== text.length) throw new RangeError("strings block: lengths do not match the text");
    for (const [i] of [...redacted, ...cut])
      if (!(i >= 0 && i < decoded.length)) throw new RangeError(`strings block: no entry ${i}`);
    this.blocks.push({ text, lengths: decoded, redacted, cut });
    this.count += decoded.length;
  }

  texts(): StringTexts {
    const lengths = new Uint32Array(this.count);
    const firstOf = new Uint32Array(this.blocks.length + 1);
    const overrides = new Map<number, string>();
    this.blocks.forEach(({ text, lengths: own, redacted, cut }, b) => {
      const first = firstOf[b]!;
      lengths.set(own, first);
      firstOf[b + 1] = first + own.length;
      for (const [i, length] of redacted)
        overrides.set(first + i, `<redacted: ${length} characters>`);
      if (cut.length === 0) return;
      const starts = new Uint32Array(own.length);
      for (let i = 1; i < own.length; i++) starts[i] = starts[i - 1]! + own[i - 1]!;
      for (const [i] of cut)
        overrides.set(first + i, `${text.slice(starts[i], starts[i]! + own[i]!)}…`);
    });
    const texts = this.blocks.map((block) => block.text);
    return { lengths, firstOf, overrides, text: (b) => texts[b]! };
  }
}

/** The block's lengths: one unsigned LEB128 each, read by the format's own column decoder. */
function varints(data: Uint8Array): Uint32Array {
  let count = 0;
  for (let at = 0; at < data.length; at++) if (data[at]! < 0x80) count++;
  if (data.length > 0 && data[data.length - 1]! > 0x7f)
    throw new RangeError("strings block: a length ends early");
  const out = new Uint32Array(count);
  decodeColumnInto(["lengths", Encoding.Varint, data], count, out, 0, null);
  return out;
}

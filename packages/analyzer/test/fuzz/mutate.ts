// One fuzz case from a seed file: truncations, bit flips, byte runs, huge length fields (raw and
// format-aware), deleted and repeated ranges, random bytes behind a real magic. Deterministic in
// (seed, case index).

import { deflateSync, inflateSync } from "node:zlib";
import { Packr, Unpackr } from "msgpackr";
import { Prng } from "./prng.js";
import type { Seed } from "./seeds.js";

export interface FuzzCase {
  /** Which seed it came from, and what was done to it. */
  seed: string;
  steps: string[];
  bytes: Uint8Array;
  /** Chunk sizes the source yields (0 = the whole file in one chunk). */
  chunk: number;
  salvage: boolean;
}

/** Values that break naive length handling. */
const HUGE = [0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 2 ** 31 + 1, 2 ** 40, 2 ** 53 - 1];
const HUGE_TEXT = [
  "4294967295",
  "2147483648",
  "9007199254740993",
  "1e308",
  "-1",
  "99999999999999999999",
];

type Mutator = (bytes: Uint8Array, rng: Prng, seed: Seed) => [Uint8Array, string];

const truncate: Mutator = (b, rng) => {
  const at = rng.below(b.length);
  return [b.subarray(0, at), `truncate at ${at}`];
};

const flipBits: Mutator = (b, rng) => {
  const out = b.slice();
  const n = 1 + rng.below(8);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = rng.below(out.length);
    out[p]! ^= 1 << rng.below(8);
    at.push(p);
  }
  return [out, `flip bits at ${at.join(",")}`];
};

const overwrite: Mutator = (b, rng) => {
  const out = b.slice();
  const at = rng.below(out.length);
  const run = rng.bytes(1 + rng.below(16));
  out.set(run.subarray(0, out.length - at), at);
  return [out, `overwrite ${run.length} bytes at ${at}`];
};

/** A 1, 2, 4 or 8-byte word set to a huge value, either byte order. */
const hugeWord: Mutator = (b, rng) => {
  const out = b.slice();
  const size = rng.pick([1, 2, 4, 8]);
  const at = rng.below(Math.max(1, out.length - size));
  const value = rng.pick(HUGE);
  const little = rng.chance(0.5);
  for (let i = 0; i < size && at + i < out.length; i++) {
    const shift = little ? i : size - 1 - i;
    out[at + i] = Math.floor(value / 2 ** (8 * shift)) & 0xff;
  }
  return [out, `huge ${size}-byte word ${value} at ${at}`];
};

const deleteRange: Mutator = (b, rng) => {
  const at = rng.below(b.length);
  const n = 1 + rng.below(Math.min(4096, b.length - at));
  const out = new Uint8Array(b.length - n);
  out.set(b.subarray(0, at));
  out.set(b.subarray(at + n), at);
  return [out, `delete ${n} bytes at ${at}`];
};

const repeatRange: Mutator = (b, rng) => {
  const from = rng.below(b.length);
  const n = 1 + rng.below(Math.min(4096, b.length - from));
  const at = rng.below(b.length);
  const out = new Uint8Array(b.length + n);
  out.set(b.subarray(0, at));
  out.set(b.subarray(from, from + n), at);
  out.set(b.subarray(at), at + n);
  return [out, `insert ${n} bytes from ${from} at ${at}`];
};

const randomTail: Mutator = (b, rng) => {
  const at = Math.min(b.length, rng.below(64));
  const out = new Uint8Array(at + rng.below(2048));
  out.set(b.subarray(0, at));
  out.set(rng.bytes(out.length - at), at);
  return [out, `random bytes after the first ${at}`];
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** .heapsnapshot: a number in the JSON (a count, a node field, an edge target) made huge. */
const hugeJsonNumber: Mutator = (b, rng) => {
  const text = decoder.decode(b);
  const huge = rng.pick(HUGE_TEXT);
  if (rng.chance(0.3)) {
    const key = rng.pick(["node_count", "edge_count", "trace_function_count"]);
    const out = text.replace(new RegExp(`"${key}":\\d+`), `"${key}":${huge}`);
    return [encoder.encode(out), `${key} = ${huge}`];
  }
  const runs = [...text.matchAll(/\d+/g)];
  if (runs.length === 0) return [b, "no number"];
  const run = runs[rng.below(runs.length)]!;
  const out = text.slice(0, run.index) + huge + text.slice(run.index + run[0].length);
  return [encoder.encode(out), `number at ${run.index} = ${huge}`];
};

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const packr = new Packr({ useRecords: false });

interface HmatFrame {
  start: number;
  end: number;
  tag: string;
  body: Uint8Array;
}

/** The sections of a valid .hmat (8-byte header, then MessagePack [tag, rawLength, bin] arrays). */
function hmatFrames(b: Uint8Array): HmatFrame[] {
  const frames: HmatFrame[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at < b.length) {
    const start = at;
    if (b[at++] !== 0x93) throw new Error("not a section");
    const t = b[at]!;
    const tagLength = (t & 0xe0) === 0xa0 ? t & 0x1f : b[at + 1]!;
    at += (t & 0xe0) === 0xa0 ? 1 : 2;
    const tag = decoder.decode(b.subarray(at, at + tagLength));
    at += tagLength;
    const u = b[at]!;
    at += u < 0x80 ? 1 : u === 0xcc ? 2 : u === 0xcd ? 3 : u === 0xce ? 5 : 9;
    const k = b[at]!;
    const size = k === 0xc4 ? 1 : k === 0xc5 ? 2 : 4;
    const length =
      size === 1 ? b[at + 1]! : size === 2 ? view.getUint16(at + 1) : view.getUint32(at + 1);
    at += 1 + size;
    if (at + length > b.length) throw new Error("cut section");
    frames.push({ start, end: at + length, tag, body: b.subarray(at, at + length) });
    at += length;
  }
  return frames;
}

function frameBytes(tag: string, raw: Uint8Array, body: Uint8Array): Uint8Array {
  return packr.pack([tag, raw.length, body]);
}

function splice(b: Uint8Array, start: number, end: number, part: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - (end - start) + part.length);
  out.set(b.subarray(0, start));
  out.set(part, start);
  out.set(b.subarray(end), start + part.length);
  return out;
}

/** Every number (or byte string) inside a decoded value, with a setter. */
function slots(value: unknown, out: Array<(v: unknown) => void> = []): Array<(v: unknown) => void> {
  if (Array.isArray(value) || (value && typeof value === "object" && !ArrayBuffer.isView(value))) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === "number" || ArrayBuffer.isView(v) || typeof v === "string")
        out.push((next) => {
          record[key] = next;
        });
      else slots(v, out);
    }
  }
  return out;
}

/** A valid .hmat with the first section tagged `tag` decoded, edited and re-framed validly. */
export function rewriteHmatSection(
  b: Uint8Array,
  tag: string,
  edit: (value: Record<string, unknown>) => void,
): Uint8Array {
  const frame = hmatFrames(b).find((f) => f.tag === tag);
  if (!frame) throw new Error(`no "${tag}" section`);
  const value = unpackr.unpack(inflateSync(frame.body));
  edit(value);
  const raw = packr.pack(value);
  return splice(b, frame.start, frame.end, frameBytes(tag, raw, deflateSync(raw)));
}

/** Section tags of a valid .hmat, in order, with where each starts and ends. */
export function hmatSections(b: Uint8Array): { tag: string; start: number; end: number }[] {
  return hmatFrames(b).map(({ tag, start, end }) => ({ tag, start, end }));
}

/** .hmat: one section decoded, a number or byte string in it changed, re-framed validly. */
const hmatField: Mutator = (b, rng) => {
  let frames: HmatFrame[];
  try {
    frames = hmatFrames(b);
  } catch {
    return [b, "not a whole .hmat"];
  }
  if (frames.length === 0) return [b, "no sections"];
  const frame = rng.pick(frames);
  const value = unpackr.unpack(inflateSync(frame.body));
  const places = slots(value);
  if (places.length === 0) return [b, `nothing to change in "${frame.tag}"`];
  const which = rng.below(places.length);
  const replacement = rng.pick<unknown>([
    rng.pick(HUGE),
    -1,
    0,
    1.5,
    "x",
    null,
    new Uint8Array(0),
    rng.bytes(rng.below(8)),
    [],
  ]);
  places[which]!(replacement);
  const raw = packr.pack(value);
  const part = frameBytes(frame.tag, raw, deflateSync(raw));
  return [
    splice(b, frame.start, frame.end, part),
    `"${frame.tag}" field ${which} = ${String(replacement)}`,
  ];
};

/** .hmat: a section's body length (bin32) or raw length set huge, body unchanged. */
const hmatLength: Mutator = (b, rng) => {
  let frames: HmatFrame[];
  try {
    frames = hmatFrames(b);
  } catch {
    return [b, "not a whole .hmat"];
  }
  const frame = rng.pick(frames);
  const huge = rng.pick(HUGE.filter((v) => v <= 0xffffffff));
  const head = packr.pack(frame.tag);
  const rawHuge = rng.chance(0.5);
  const parts = [
    Uint8Array.of(0x93),
    head,
    rawHuge
      ? Uint8Array.of(0xce, huge >>> 24, (huge >>> 16) & 0xff, (huge >>> 8) & 0xff, huge & 0xff)
      : packr.pack(0),
    rawHuge
      ? packr.pack(frame.body).subarray(0, 5)
      : Uint8Array.of(0xc6, huge >>> 24, (huge >>> 16) & 0xff, (huge >>> 8) & 0xff, huge & 0xff),
  ];
  const header = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    header.set(p, at);
    at += p.length;
  }
  const framed = new Uint8Array(header.length + frame.body.length);
  framed.set(header);
  framed.set(frame.body, header.length);
  return [
    splice(b, frame.start, frame.end, framed),
    `"${frame.tag}" ${rawHuge ? "raw" : "body"} length ${huge}`,
  ];
};

const GENERIC: Mutator[] = [
  truncate,
  flipBits,
  overwrite,
  hugeWord,
  deleteRange,
  repeatRange,
  randomTail,
];

function mutatorsFor(seed: Seed): Mutator[] {
  if (seed.name.endsWith(".heapsnapshot")) return [...GENERIC, hugeJsonNumber, hugeJsonNumber];
  if (seed.name.endsWith(".hmat")) return [...GENERIC, hmatField, hmatField, hmatLength];
  // .pmat's integer fields are words: hugeWord twice as often.
  if (seed.name.endsWith(".pmat")) return [...GENERIC, hugeWord];
  return GENERIC;
}

/** Case `index` of the campaign with seed `campaign`. */
export function makeCase(seeds: readonly Seed[], campaign: number, index: number): FuzzCase {
  const rng = Prng.forCase(campaign, index);
  const seed = seeds[index % seeds.length]!;
  const mutators = mutatorsFor(seed);
  let bytes = seed.bytes;
  const steps: string[] = [];
  const rounds = rng.chance(0.7) ? 1 : 2 + rng.below(3);
  for (let r = 0; r < rounds && bytes.length > 0; r++) {
    // Format-aware mutators need a well-formed input: after an earlier round they may not get one.
    const mutator = rng.pick(mutators);
    try {
      const [next, step] = mutator(bytes, rng, seed);
      bytes = next;
      steps.push(step);
    } catch {
      steps.push(`${mutator.name}: input not well-formed, unchanged`);
    }
  }
  // Chunk edges land anywhere, but no more than ~4000 chunks per file (1-byte chunks of a 1 MB
  // file would test the event loop, not the reader).
  const chunk = rng.chance(0.5)
    ? 0
    : Math.max(rng.pick([1, 7, 64, 1000, 4096, 65536]), Math.ceil(bytes.length / 4000));
  return { seed: seed.name, steps, bytes, chunk, salvage: rng.chance(0.3) };
}

// Streams a JSON array of strings (V8's `strings` table) out of byte chunks into a string[]. The
// table can be larger than the longest string V8 can hold, so it is never joined: each chunk's
// plain ASCII strings are decoded with one TextDecoder call and sliced; strings with escapes or
// raw UTF-8, and strings cut by a chunk boundary, take a slower exact path.

import { isSpace, type JsonFail } from "./json-value.js";

const decoder = new TextDecoder();

const Expect = { first: 0, value: 1, comma: 2 } as const;

export class StringArrayScanner {
  readonly strings: string[] = [];
  done = false;
  pos = 0;

  private opened = false;
  private expect: number = Expect.first;
  // A string cut by a chunk boundary: its raw bytes so far, and where it started relative to the
  // current chunk (negative once later chunks arrive).
  private pending: Uint8Array | null = null;
  private pendingLength = 0;
  private pendingStart = 0;
  private pendingEscaped = false;
  private lastChunkLength = 0;
  // Plain ASCII strings of the current chunk, decoded together: (start, end) pairs.
  private plain = new Int32Array(2 * 1024);

  constructor(
    private readonly what: string,
    private readonly fail: JsonFail,
  ) {}

  /** Consumes b[from..to) up to the end of the array; `pos` is where it stopped. */
  feed(b: Uint8Array, from: number, to: number): void {
    let i = from;
    if (this.pending) {
      this.pendingStart -= this.lastChunkLength;
      i = this.continuePending(b, i, to);
    }
    this.lastChunkLength = b.length;
    // Plain strings waiting to be decoded together: only ASCII lies between them, since any
    // other string flushes them first, so character offsets in the decoded run are byte offsets.
    let plainCount = 0;
    while (i < to && !this.pending) {
      const c = b[i]!;
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (!this.opened) {
        if (c !== 0x5b) this.fail(i, `'[' opening ${this.what}`);
        this.opened = true;
        i++;
        continue;
      }
      if (this.expect === Expect.comma) {
        if (c === 0x2c) this.expect = Expect.value;
        else if (c === 0x5d) this.done = true;
        else this.fail(i, `',' or ']' in ${this.what}`);
        i++;
        if (this.done) break;
        continue;
      }
      if (c === 0x5d && this.expect === Expect.first) {
        this.done = true;
        i++;
        break;
      }
      if (c !== 0x22) this.fail(i, `a string in ${this.what}`);
      const start = i + 1;
      let j = start;
      while (j < to) {
        const d = b[j]!;
        if (d === 0x22 || d === 0x5c || d >= 0x80) break;
        j++;
      }
      this.expect = Expect.comma;
      if (j < to && b[j] === 0x22) {
        if (2 * plainCount + 2 > this.plain.length) this.growPlain();
        this.plain[2 * plainCount] = start;
        this.plain[2 * plainCount + 1] = j;
        plainCount++;
        // The comma that usually follows is taken here, saving a turn of the loop.
        if (j + 1 < to && b[j + 1] === 0x2c) {
          this.expect = Expect.value;
          i = j + 2;
        } else i = j + 1;
        continue;
      }
      plainCount = this.flushPlain(b, plainCount);
      i = this.otherString(b, start, j, to);
    }
    this.flushPlain(b, plainCount);
    this.pos = i;
  }

  /**
   * A string with escapes or raw UTF-8 (from `j`, where the plain scan stopped), or cut by the
   * chunk's end: decoded exactly. Kept out of feed's loop, whose compiled code then does not
   * fall back each time one of these rare paths is first taken.
   */
  private otherString(b: Uint8Array, start: number, j: number, to: number): number {
    let escaped = false;
    for (; j < to; j++) {
      const d = b[j]!;
      if (escaped) escaped = false;
      else if (d === 0x5c) escaped = true;
      else if (d === 0x22) break;
    }
    if (j < to) {
      this.strings.push(
        decodeJsonString(b.subarray(start, j), (at, what) => this.fail(start + at, what)),
      );
      return j + 1;
    }
    this.startPending(b, start, to, escaped);
    return to;
  }

  /** Decodes the waiting plain strings with one TextDecoder call and slices them; returns 0. */
  private flushPlain(b: Uint8Array, count: number): number {
    if (count === 0) return 0;
    const plain = this.plain;
    const regionStart = plain[0]!;
    const text = decoder.decode(b.subarray(regionStart, plain[2 * count - 1]!));
    for (let k = 0; k < 2 * count; k += 2)
      this.strings.push(text.slice(plain[k]! - regionStart, plain[k + 1]! - regionStart));
    return 0;
  }

  private startPending(b: Uint8Array, start: number, to: number, escaped: boolean): void {
    this.pending = new Uint8Array(Math.max(4096, 2 * (to - start)));
    this.pendingLength = 0;
    this.pendingStart = start;
    this.pendingEscaped = escaped;
    this.append(b, start, to);
  }

  /** Continues a string cut by a chunk boundary; returns where this chunk's scan goes on. */
  private continuePending(b: Uint8Array, from: number, to: number): number {
    let escaped = this.pendingEscaped;
    let j = from;
    for (; j < to; j++) {
      const d = b[j]!;
      if (escaped) escaped = false;
      else if (d === 0x5c) escaped = true;
      else if (d === 0x22) break;
    }
    this.append(b, from, j);
    this.pendingEscaped = escaped;
    if (j === to) return to;
    const start = this.pendingStart;
    const raw = this.pending!.subarray(0, this.pendingLength);
    this.strings.push(decodeJsonString(raw, (at, what) => this.fail(start + at, what)));
    this.pending = null;
    return j + 1;
  }

  private append(b: Uint8Array, from: number, to: number): void {
    const need = this.pendingLength + (to - from);
    let pending = this.pending!;
    if (need > pending.length) {
      const grown = new Uint8Array(Math.max(need, 2 * pending.length));
      grown.set(pending.subarray(0, this.pendingLength));
      pending = this.pending = grown;
    }
    pending.set(b.subarray(from, to), this.pendingLength);
    this.pendingLength = need;
  }

  private growPlain(): void {
    const grown = new Int32Array(this.plain.length * 2);
    grown.set(this.plain);
    this.plain = grown;
  }
}

const SHORT_ESCAPES: Record<number, number> = {
  34: 0x22,
  92: 0x5c,
  47: 0x2f,
  98: 0x08,
  102: 0x0c,
  110: 0x0a,
  114: 0x0d,
  116: 0x09,
};

// Code units of the string being decoded; grown for long strings, reused across strings.
let units = new Uint16Array(4096);

/**
 * Decodes the bytes between a JSON string's quotes, exactly as JSON.parse would (lone surrogates
 * from \uXXXX escapes survive; invalid raw UTF-8 becomes U+FFFD, as TextDecoder makes it). The
 * result is one flat string, not a rope of pieces: V8 escapes every non-ASCII character, and a
 * rope per string would cost many times the string's size.
 */
export function decodeJsonString(raw: Uint8Array, fail: JsonFail): string {
  if (units.length < raw.length) units = new Uint16Array(Math.max(raw.length, 2 * units.length));
  const out = units;
  let n = 0;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c < 0x80 && c !== 0x5c) {
      out[n++] = c;
      i++;
    } else if (c === 0x5c) {
      const e = raw[i + 1] ?? -1;
      if (e === 0x75) {
        let unit = 0;
        for (let h = i + 2; h < i + 6; h++) {
          const x = hexValue(raw[h] ?? -1);
          if (x < 0) fail(h, "4 hex digits after \\u");
          unit = unit * 16 + x;
        }
        out[n++] = unit;
        i += 6;
      } else {
        const short = SHORT_ESCAPES[e];
        if (short === undefined)
          fail(i + 1, 'a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        out[n++] = short;
        i += 2;
      }
    } else {
      // Raw UTF-8: a run of non-ASCII bytes never splits a valid sequence, so decode it whole.
      let j = i + 1;
      while (j < raw.length && raw[j]! >= 0x80) j++;
      const text = decoder.decode(raw.subarray(i, j));
      for (let k = 0; k < text.length; k++) out[n++] = text.charCodeAt(k);
      i = j;
    }
  }
  return unitsToString(out, n);
}

function unitsToString(codes: Uint16Array, length: number): string {
  const STEP = 8192;
  if (length <= STEP) return String.fromCharCode.apply(null, codes.subarray(0, length) as never);
  const parts: string[] = [];
  for (let at = 0; at < length; at += STEP)
    parts.push(
      String.fromCharCode.apply(null, codes.subarray(at, Math.min(length, at + STEP)) as never),
    );
  return parts.join("");
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

// Streams past one JSON value of any shape, optionally keeping its bytes for a JSON.parse. Used for
// the small parts of a snapshot (its header) and for keys a reader does not know.

/** Throws the reader's error for byte `at` of the current chunk. */
export type JsonFail = (at: number, expected: string) => never;

/** JSON whitespace. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class ValueSkipper {
  done = false;
  pos = 0;
  private depth = 0;
  private started = false;
  private inString = false;
  private escaped = false;
  private scalar = false;
  private kept: Uint8Array;
  private keptLength = 0;

  /** With `keepUpTo` > 0 the value's bytes are kept (at most that many) for `parse()`. */
  constructor(
    private readonly what: string,
    private readonly fail: JsonFail,
    private readonly keepUpTo = 0,
  ) {
    this.kept = new Uint8Array(keepUpTo > 0 ? 4096 : 0);
  }

  /** Consumes b[from..to) up to the end of the value; `pos` is where it stopped. */
  feed(b: Uint8Array, from: number, to: number): void {
    let i = from;
    if (!this.started) {
      while (i < to && isSpace(b[i]!)) i++;
      if (i === to) {
        this.pos = i;
        return;
      }
      this.started = true;
      this.scalar = b[i] !== 0x7b && b[i] !== 0x5b && b[i] !== 0x22;
    }
    const start = i;
    for (; i < to; i++) {
      const c = b[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.depth === 0) {
            i++;
            this.done = true;
            break;
          }
        }
      } else if (this.scalar) {
        // A number, true, false or null ends at the next delimiter, which is not part of it.
        if (c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c)) {
          this.done = true;
          break;
        }
      } else if (c === 0x22) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--this.depth === 0) {
          i++;
          this.done = true;
          break;
        }
        if (this.depth < 0) this.fail(i, `a JSON value for ${this.what}`);
      }
    }
    if (this.keepUpTo > 0) this.keep(b, start, i);
    this.pos = i;
  }

  /** The kept value, parsed. */
  parse(): unknown {
    const text = new TextDecoder().decode(this.kept.subarray(0, this.keptLength));
    try {
      return JSON.parse(text);
    } catch {
      return this.fail(this.pos, `valid JSON for ${this.what}`);
    }
  }

  private keep(b: Uint8Array, from: number, to: number): void {
    const need = this.keptLength + (to - from);
    if (need > this.keepUpTo) this.fail(to, `${this.what} to be under ${this.keepUpTo} bytes`);
    if (need > this.kept.length) {
      const grown = new Uint8Array(Math.min(this.keepUpTo, Math.max(need, this.kept.length * 2)));
      grown.set(this.kept.subarray(0, this.keptLength));
      this.kept = grown;
    }
    this.kept.set(b.subarray(from, to), this.keptLength);
    this.keptLength = need;
  }
}

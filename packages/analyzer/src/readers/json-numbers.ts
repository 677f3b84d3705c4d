// Streams a JSON array of non-negative integers (V8's `nodes`, `edges`, `locations`...) out of
// byte chunks into a caller's batch buffer. A tight byte loop: integers are parsed by hand, nothing
// is allocated per number, and a number cut by a chunk boundary is carried over to the next chunk.

import { isSpace, type JsonFail } from "./json-value.js";

export class IntArrayScanner {
  /** True once the closing `]` has been consumed. */
  done = false;
  /** Numbers produced so far. */
  count = 0;
  /** Where the last `scan` stopped in its chunk. */
  pos = 0;

  /** True after a number, until the comma that must follow it (shared with fast paths). */
  afterValue = false;

  private opened = false;
  private carrying = false;
  private carry = 0;

  /** Whether a caller's own tight loop may take over: inside the array, no number carried over. */
  get ready(): boolean {
    return this.opened && !this.carrying && !this.done;
  }

  constructor(
    private readonly what: string,
    private readonly fail: JsonFail,
  ) {}

  /**
   * Scans b[from..to) and writes at most `out.length` numbers into `out`; returns how many.
   * Stops early when `out` is full or the array ends: `pos` says where.
   */
  scan(b: Uint8Array, from: number, to: number, out: Float64Array): number {
    let i = from;
    if (!this.opened) {
      while (i < to && isSpace(b[i]!)) i++;
      if (i === to) return this.stop(i, 0);
      if (b[i] !== 0x5b) this.fail(i, `'[' opening ${this.what}`);
      this.opened = true;
      i++;
    }
    const max = out.length;
    let k = 0;
    let afterValue = this.afterValue;
    if (this.carrying) {
      let v = this.carry;
      for (; i < to; i++) {
        const d = b[i]! - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === to) {
        this.carry = v;
        return this.stop(i, 0);
      }
      this.carrying = false;
      out[k++] = v;
      afterValue = true;
    }
    while (i < to && k < max) {
      const c = b[i]!;
      let d = c - 48;
      if (d >= 0 && d <= 9) {
        if (afterValue) this.fail(i, `',' or ']' in ${this.what}`);
        let v = d;
        for (i++; i < to; i++) {
          d = b[i]! - 48;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
        }
        if (i === to) {
          this.carrying = true;
          this.carry = v;
          break;
        }
        out[k++] = v;
        afterValue = true;
      } else if (c === 0x2c) {
        if (!afterValue) this.fail(i, `a non-negative integer in ${this.what}`);
        afterValue = false;
        i++;
      } else if (c === 0x5d) {
        if (!afterValue && this.count + k > 0)
          this.fail(i, `a non-negative integer in ${this.what}`);
        this.done = true;
        i++;
        break;
      } else if (isSpace(c)) {
        i++;
      } else {
        this.fail(i, `a non-negative integer, ',' or ']' in ${this.what}`);
      }
    }
    this.afterValue = afterValue;
    return this.stop(i, k);
  }

  private stop(i: number, k: number): number {
    this.pos = i;
    this.count += k;
    return k;
  }
}

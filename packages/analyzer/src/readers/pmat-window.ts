// A growing window over a streamed .pmat file, with the file's own integer widths and byte order.
// A read past the bytes received so far throws NEED_MORE: the caller rolls the record back and
// retries it once more bytes have arrived, so records never need to be resumable mid-way.

/** Thrown (never as an Error) when a record runs past the bytes received so far. */
export const NEED_MORE: unique symbol = Symbol("need more bytes");

const TWO_32 = 2 ** 32;

export class PmatWindow {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  /** Read position within `buf`. */
  pos = 0;
  private end = 0;
  /** Absolute file offset of buf[0]. */
  private base = 0;

  littleEndian = true;
  uintSize = 8;
  ptrSize = 8;
  nvSize = 8;

  /** Absolute file offset of the read position. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes received and not yet consumed. */
  get available(): number {
    return this.end - this.pos;
  }

  /** Appends a chunk, dropping the bytes before the read position. */
  append(chunk: Uint8Array): void {
    const kept = this.end - this.pos;
    const needed = kept + chunk.byteLength;
    if (needed > this.buf.byteLength) {
      const next = new Uint8Array(Math.max(needed, this.buf.byteLength * 2));
      next.set(this.buf.subarray(this.pos, this.end));
      this.buf = next;
      this.view = new DataView(next.buffer);
    } else if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
    }
    this.buf.set(chunk, kept);
    this.base += this.pos;
    this.pos = 0;
    this.end = needed;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw NEED_MORE;
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.buf[this.need(1)]!;
  }

  u32(): number {
    return this.view.getUint32(this.need(4), this.littleEndian);
  }

  /** An unsigned integer of `size` bytes; all-ones reads as -1 (the format's "none"). */
  private wide(size: number): number {
    const at = this.need(size);
    if (size === 4) {
      const v = this.view.getUint32(at, this.littleEndian);
      return v === 0xffffffff ? -1 : v;
    }
    const a = this.view.getUint32(at, this.littleEndian);
    const b = this.view.getUint32(at + 4, this.littleEndian);
    const lo = this.littleEndian ? a : b;
    const hi = this.littleEndian ? b : a;
    if (lo === 0xffffffff && hi === 0xffffffff) return -1;
    return hi * TWO_32 + lo;
  }

  uint(): number {
    return this.wide(this.uintSize);
  }

  ptr(): number {
    return this.wide(this.ptrSize);
  }

  /** A signed integer of `uintSize` bytes (a scalar's IV). */
  int(): number {
    const at = this.need(this.uintSize);
    if (this.uintSize === 4) return this.view.getInt32(at, this.littleEndian);
    const lo = this.view.getUint32(this.littleEndian ? at : at + 4, this.littleEndian);
    const hi = this.view.getInt32(this.littleEndian ? at + 4 : at, this.littleEndian);
    return hi * TWO_32 + lo;
  }

  /** An NV; long doubles (10 bytes) are skipped and read as NaN. */
  nv(): number {
    const at = this.need(this.nvSize);
    return this.nvSize === 8 ? this.view.getFloat64(at, this.littleEndian) : Number.NaN;
  }

  /** A byte already read, by its position in the window. */
  byteAt(pos: number): number {
    return this.buf[pos]!;
  }

  skip(n: number): void {
    this.need(n);
  }

  /** A length-prefixed string: returns its byte length and leaves its start in `strStart`; -1 = none. */
  str(): number {
    const len = this.uint();
    if (len < 0) return -1;
    this.strStart = this.need(len);
    return len;
  }
  strStart = 0;

  bytes(start: number, len: number): Uint8Array {
    return this.buf.subarray(start, start + len);
  }

  /** The string just read by `str()` as Latin-1 (one char per byte: Perl's byte semantics). */
  latin1(len: number): string {
    return latin1(this.buf, this.strStart, len);
  }

  /** The string just read by `str()` decoded as UTF-8 (names shown to people). */
  utf8(len: number): string {
    let ascii = true;
    const buf = this.buf;
    for (let i = this.strStart, e = i + len; i < e; i++) {
      if (buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    return ascii
      ? latin1(buf, this.strStart, len)
      : utf8Decoder.decode(this.bytes(this.strStart, len));
  }
}

const utf8Decoder = new TextDecoder("utf-8");

function latin1(buf: Uint8Array, start: number, len: number): string {
  if (len <= 64) {
    let s = "";
    for (let i = start, e = start + len; i < e; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  let s = "";
  for (let i = start, e = start + len; i < e; i += 4096)
    s += String.fromCharCode.apply(
      null,
      buf.subarray(i, Math.min(e, i + 4096)) as unknown as number[],
    );
  return s;
}

// A small MessagePack encoder and decoder: just the types the .hmat format uses (nil, booleans,
// numbers, strings, binary, arrays, maps). The dumper must have no dependencies.

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Appends MessagePack values to a growable byte buffer. */
export class MsgPackWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  private view = new DataView(this.bytes.buffer);

  reset(): void {
    this.length = 0;
  }

  /** The encoded bytes so far (a view, valid until the next write). */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  private byte(b: number): void {
    this.ensure(1);
    this.bytes[this.length++] = b;
  }

  private header(small: number, smallMax: number, base8: number, n: number): void {
    this.ensure(5);
    if (n <= smallMax && small >= 0) this.bytes[this.length++] = small | n;
    else if (n < 0x100 && base8 >= 0) {
      this.bytes[this.length++] = base8;
      this.bytes[this.length++] = n;
    } else if (n < 0x10000) {
      this.bytes[this.length++] = base8 + 1;
      this.view.setUint16(this.length, n);
      this.length += 2;
    } else {
      this.bytes[this.length++] = base8 + 2;
      this.view.setUint32(this.length, n);
      this.length += 4;
    }
  }

  nil(): void {
    this.byte(0xc0);
  }

  number(n: number): void {
    this.ensure(9);
    if (Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER) {
      if (n < 0x80) this.bytes[this.length++] = n;
      else if (n < 0x100) {
        this.bytes[this.length++] = 0xcc;
        this.bytes[this.length++] = n;
      } else if (n < 0x10000) {
        this.bytes[this.length++] = 0xcd;
        this.view.setUint16(this.length, n);
        this.length += 2;
      } else if (n < 0x100000000) {
        this.bytes[this.length++] = 0xce;
        this.view.setUint32(this.length, n);
        this.length += 4;
      } else {
        this.bytes[this.length++] = 0xcf;
        this.view.setBigUint64(this.length, BigInt(n));
        this.length += 8;
      }
    } else if (Number.isInteger(n) && n < 0 && n >= -0x80000000) {
      if (n >= -32) this.bytes[this.length++] = n & 0xff;
      else {
        this.bytes[this.length++] = 0xd2;
        this.view.setInt32(this.length, n);
        this.length += 4;
      }
    } else {
      this.bytes[this.length++] = 0xcb;
      this.view.setFloat64(this.length, n);
      this.length += 8;
    }
  }

  string(s: string): void {
    // Worst case 3 bytes per UTF-16 unit; encode in place, then fix the header size.
    const max = s.length * 3;
    this.ensure(max + 5);
    const headerSize = max < 32 ? 1 : max < 0x100 ? 2 : max < 0x10000 ? 3 : 5;
    const start = this.length + headerSize;
    const { written } = utf8.encodeInto(s, this.bytes.subarray(start));
    const n = written;
    if (headerSize === 1) this.bytes[this.length] = 0xa0 | n;
    else if (headerSize === 2) {
      this.bytes[this.length] = 0xd9;
      this.bytes[this.length + 1] = n;
    } else if (headerSize === 3) {
      this.bytes[this.length] = 0xda;
      this.view.setUint16(this.length + 1, n);
    } else {
      this.bytes[this.length] = 0xdb;
      this.view.setUint32(this.length + 1, n);
    }
    this.length = start + n;
  }

  binary(b: Uint8Array): void {
    this.binaryHeader(b.length);
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  binaryHeader(n: number): void {
    this.header(-1, -1, 0xc4, n);
  }

  arrayHeader(n: number): void {
    this.header(0x90, 15, -1, n);
    if (n > 15) this.fixWide(0xdc, n);
  }

  mapHeader(n: number): void {
    this.header(0x80, 15, -1, n);
    if (n > 15) this.fixWide(0xde, n);
  }

  // Arrays and maps have no 8-bit form: header() wrote base8+1/+2 with base8 = -1; correct it.
  private fixWide(base16: number, n: number): void {
    const size = n < 0x10000 ? 3 : 5;
    this.bytes[this.length - size] = n < 0x10000 ? base16 : base16 + 1;
  }

  /** Any JSON-like value; typed byte arrays become `bin`. */
  value(v: unknown): void {
    if (v === null || v === undefined) this.nil();
    else if (typeof v === "boolean") this.byte(v ? 0xc3 : 0xc2);
    else if (typeof v === "number") this.number(v);
    else if (typeof v === "bigint") this.number(Number(v));
    else if (typeof v === "string") this.string(v);
    else if (v instanceof Uint8Array) this.binary(v);
    else if (Array.isArray(v)) {
      this.arrayHeader(v.length);
      for (const item of v) this.value(item);
    } else if (typeof v === "object") {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      this.mapHeader(entries.length);
      for (const [key, x] of entries) {
        this.string(key);
        this.value(x);
      }
    } else this.nil();
  }
}

/** Encodes one value. */
export function pack(value: unknown): Uint8Array {
  const writer = new MsgPackWriter();
  writer.value(value);
  return writer.result().slice();
}

/** Thrown on malformed MessagePack, with the offset where decoding stopped. */
export class MsgPackError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Decodes MessagePack values from `bytes`, one after another. `bin` values come back as views. */
export class MsgPackReader {
  offset: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length)
      throw new MsgPackError(this.offset, `${n} more bytes, found the end of the data`);
  }

  value(): unknown {
    this.need(1);
    const b = this.bytes[this.offset++]!;
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b < 0x90) return this.map(b & 0x0f);
    if (b < 0xa0) return this.array(b & 0x0f);
    if (b < 0xc0) return this.str(b & 0x1f);
    const v = this.view;
    const at = this.offset;
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        return this.bin(this.length(b - 0xc4));
      case 0xca:
        this.need(4);
        this.offset += 4;
        return v.getFloat32(at);
      case 0xcb:
        this.need(8);
        this.offset += 8;
        return v.getFloat64(at);
      case 0xcc:
      case 0xcd:
      case 0xce:
        return this.length(b - 0xcc);
      case 0xcf:
        this.need(8);
        this.offset += 8;
        return Number(v.getBigUint64(at));
      case 0xd0:
        this.need(1);
        this.offset += 1;
        return v.getInt8(at);
      case 0xd1:
        this.need(2);
        this.offset += 2;
        return v.getInt16(at);
      case 0xd2:
        this.need(4);
        this.offset += 4;
        return v.getInt32(at);
      case 0xd3:
        this.need(8);
        this.offset += 8;
        return Number(v.getBigInt64(at));
      case 0xd9:
      case 0xda:
      case 0xdb:
        return this.str(this.length(b - 0xd9));
      case 0xdc:
      case 0xdd:
        return this.array(this.length(b - 0xdc + 1));
      case 0xde:
      case 0xdf:
        return this.map(this.length(b - 0xde + 1));
      default:
        throw new MsgPackError(at - 1, `a MessagePack value, found type byte 0x${b.toString(16)}`);
    }
  }

  /** Reads an unsigned length of 1, 2 or 4 bytes (size code 0, 1, 2). */
  private length(code: number): number {
    const size = 1 << code;
    this.need(size);
    const at = this.offset;
    this.offset += size;
    return size === 1
      ? this.bytes[at]!
      : size === 2
        ? this.view.getUint16(at)
        : this.view.getUint32(at);
  }

  private str(n: number): string {
    this.need(n);
    const s = fromUtf8.decode(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }

  private bin(n: number): Uint8Array {
    this.need(n);
    const b = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  private array(n: number): unknown[] {
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }

  private map(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = String(this.value());
      out[key] = this.value();
    }
    return out;
  }
}

export function unpack(bytes: Uint8Array): unknown {
  return new MsgPackReader(bytes).value();
}

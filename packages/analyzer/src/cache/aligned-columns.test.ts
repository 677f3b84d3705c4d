import { describe, expect, it } from "vitest";
import { type PackedSource, packColumns, packedBytes, unpackColumns } from "./aligned-columns.js";

const MAGIC = [1, 2, 3, 4, 5, 6, 7, 8];

/** A source loaded in pages of 64 bytes, as the Node layer's sidecar, counting whole reads. */
function paged(bytes: Uint8Array): PackedSource & { wholeReads: number; pagesLoaded(): number } {
  const shift = 6;
  const all = new Uint8Array(bytes.byteLength);
  const loaded = new Uint8Array(Math.ceil(bytes.byteLength / 64));
  const load = (from: number, to: number) => {
    for (let page = from; page < to; page++) {
      all.set(bytes.subarray(page << shift, (page + 1) << shift), page << shift);
      loaded[page] = 1;
    }
  };
  return {
    name: "paged.hmidx",
    size: bytes.byteLength,
    wholeReads: 0,
    bytes(offset, length) {
      this.wholeReads++;
      load(offset >> shift, ((offset + length - 1) >> shift) + 1);
      return all.subarray(offset, offset + length);
    },
    pages: { all, shift, loaded, load },
    pagesLoaded: () => loaded.reduce((sum, flag) => sum + flag, 0),
  };
}

/** A source that is not in memory (as the Node layer's file), counting the bytes read. */
function fileLike(bytes: Uint8Array): PackedSource & { reads: number } {
  const inMemory = packedBytes(bytes);
  return {
    name: "file.hmidx",
    size: bytes.byteLength,
    reads: 0,
    bytes(offset, length) {
      this.reads += length;
      return inMemory.bytes(offset, length).slice();
    },
  };
}

describe("aligned columns", () => {
  const columns = {
    ids: Float64Array.of(1, 3, 5, 70_000, 4_000_000_000),
    sizes: Float64Array.of(16, 32, 0.5, 24, 8),
    distance: Uint32Array.of(0, 1, 2, 300, 2),
    zeros: new Uint32Array(1000),
    sevens: new Float64Array(10).fill(7),
    minusZero: Float64Array.of(-0, -0),
    zeroAndMinusZero: Float64Array.of(0, -0),
    notANumber: Float64Array.of(1, Number.NaN, 1),
    signed: Int32Array.of(-1, 5),
    empty: new Uint32Array(0),
  };

  it("stores a column all of one value as that value, and reads each back as written", () => {
    const packed = packColumns(MAGIC, { note: "kept" }, columns);
    const all = Object.values(columns).reduce((sum, c) => sum + c.byteLength, 0);
    // The zeros and sevens are not stored.
    const stored = all - columns.zeros.byteLength - columns.sevens.byteLength;
    expect(packed.byteLength).toBeGreaterThanOrEqual(stored);
    expect(packed.byteLength).toBeLessThan(stored + 1024);
    for (const source of [packedBytes(packed), fileLike(packed)]) {
      const unpacked = unpackColumns<{ note: string }>(MAGIC, source)!;
      expect(unpacked.header.note).toBe("kept");
      for (const [name, column] of Object.entries(columns)) {
        expect(unpacked.describe(name)).toEqual({
          type: column.constructor,
          length: column.length,
          offset: expect.any(Number),
        });
        const read = unpacked.read(name);
        expect(read).toBeInstanceOf(column.constructor);
        expect(read).toEqual(column);
      }
      expect(Object.is(unpacked.read("minusZero")[0], -0)).toBe(true);
      expect(Object.is(unpacked.read("zeroAndMinusZero")[1], -0)).toBe(true);
      expect(unpacked.describe("missing")).toBeUndefined();
      expect(() => unpacked.read("missing")).toThrow(/no column missing/);
    }
  });

  it("reads nothing but the header until a column is asked for, then only that column", () => {
    const packed = packColumns(
      MAGIC,
      {},
      {
        big: Uint32Array.from({ length: 100_000 }, (_, i) => i * 100_000),
        small: Uint8Array.of(1, 2, 3),
      },
    );
    const source = fileLike(packed);
    const unpacked = unpackColumns(MAGIC, source)!;
    expect(source.reads).toBeLessThan(200);
    const before = source.reads;
    expect(unpacked.read("small")).toEqual(Uint8Array.of(1, 2, 3));
    expect(source.reads - before).toBe(3);
  });

  it("refuses bad magic, a damaged header, or a column past the end", () => {
    const packed = packColumns(MAGIC, {}, { a: Uint32Array.of(100_000, 200_000) });
    expect(unpackColumns([9, 9, 9, 9, 9, 9, 9, 9], packedBytes(packed))).toBeNull();
    expect(unpackColumns(MAGIC, packedBytes(packed.subarray(0, packed.length - 1)))).toBeNull();
    const damaged = packed.slice();
    damaged[8] = 0xff;
    expect(unpackColumns(MAGIC, packedBytes(damaged))).toBeNull();
    expect(unpackColumns(MAGIC, packedBytes(Uint8Array.of(1, 2)))).toBeNull();
  });

  describe("point reads", () => {
    const big = Float64Array.from({ length: 10_000 }, (_, i) => i * 1.5);
    const packed = packColumns(MAGIC, {}, { big, small: Uint32Array.of(4, 5, 6) });

    it("load only the pages of the values read", () => {
      const source = paged(packed);
      const unpacked = unpackColumns(MAGIC, source)!;
      const header = source.pagesLoaded();
      const headerReads = source.wholeReads;
      const whole = () => unpacked.read("big");
      const points = unpacked.readPoints("big", whole) as Float64Array;
      expect(points.length).toBe(10_000);
      expect([points[0], points[7], points[9_999], points[5_000]]).toEqual([
        0, 10.5, 14998.5, 7500,
      ]);
      // Eight values to a page: the first two share one.
      expect(source.pagesLoaded() - header).toBe(3);
      expect(source.wholeReads).toBe(headerReads);
      // Anything but an index is answered by the whole column.
      expect(points.slice(2, 4)).toEqual(Float64Array.of(3, 4.5));
      expect(Math.max(...points)).toBe(14998.5);
      expect(source.wholeReads).toBe(headerReads + 1);
    });

    it("give the column itself when it is loaded, or the source has no pages", () => {
      const source = paged(packed);
      const unpacked = unpackColumns(MAGIC, source)!;
      // `alone`: through the pages, on this thread (bytes() then finds them loaded).
      const pages = source.pagesLoaded();
      expect(unpacked.read("small", true)).toEqual(Uint32Array.of(4, 5, 6));
      expect(source.pagesLoaded() - pages).toBe(1);
      const small = unpacked.readPoints("small", () => unpacked.read("small"));
      expect(ArrayBuffer.isView(small)).toBe(true);
      const inMemory = unpackColumns(MAGIC, packedBytes(packed))!;
      expect(ArrayBuffer.isView(inMemory.readPoints("big", () => inMemory.read("big")))).toBe(true);
      expect(ArrayBuffer.isView(unpacked.readPoints("big", () => unpacked.read("big")))).toBe(
        false,
      );
    });

    it("read the whole column once a million values were read", () => {
      const many = new Uint8Array((1 << 20) + 100).map((_, i) => i % 251);
      const source = paged(packColumns(MAGIC, {}, { many }));
      const unpacked = unpackColumns(MAGIC, source)!;
      let wholes = 0;
      const points = unpacked.readPoints("many", () => {
        wholes++;
        return unpacked.read("many");
      });
      let sum = 0;
      let expected = 0;
      for (let i = 0; i < many.length; i++) {
        sum += points[i]!;
        expected += many[i]!;
      }
      expect(sum).toBe(expected);
      expect(wholes).toBe(1);
    });
  });
});

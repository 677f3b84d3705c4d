import { describe, expect, it } from "vitest";
import { sortKeys } from "./sort-keys.js";

describe("sortKeys", () => {
  const sorted = (keys: Float64Array) => Float64Array.from(keys).sort();
  const sameBytes = (a: Float64Array, b: Float64Array) =>
    Buffer.compare(new Uint8Array(a.buffer), new Uint8Array(b.buffer)) === 0;

  it("orders keys of every width as the built-in sort does", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const bits of [10, 16, 31, 32, 33, 47, 53]) {
      const keys = Float64Array.from({ length: 70_000 }, () =>
        Math.floor(random() * random() * 2 ** bits),
      );
      const expected = sorted(keys);
      sortKeys(keys);
      expect(sameBytes(keys, expected), `${bits}-bit keys`).toBe(true);
    }
  });

  it("puts the few keys of 32 bits and more after the rest, as a V8 dump's roots are", () => {
    const keys = Float64Array.from(
      { length: 80_000 },
      (_, i) => ((i * 2_654_435_761) % 2 ** 26) * 64,
    );
    for (const at of [5, 600, 70_000]) keys[at] = 2 ** 37 + at * 64 + 3;
    keys[9] = 2 ** 32; // the smallest wide key
    keys[10] = 2 ** 32 - 1; // the largest narrow one
    const expected = sorted(keys);
    sortKeys(keys);
    expect(sameBytes(keys, expected)).toBe(true);
  });

  it("sorts a V8 dump's dense, distinct ids by id, with their kinds", () => {
    // Odd ids in a shuffled order, as a V8 heap's objects come, each with its kind.
    const ids = Array.from({ length: 90_000 }, (_, i) => 2 * i + 1);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = (i * 7_919) % (i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const keys = Float64Array.from(ids, (id) => id * 64 + (id % 13));
    keys[7] = 2 ** 40 + 5; // a root's wide key among them
    const expected = sorted(keys);
    sortKeys(keys);
    expect(sameBytes(keys, expected)).toBe(true);
  });

  it("sorts ids that repeat with another kind, or that are sparse, as the built-in sort does", () => {
    const dense = (count: number, spread: number) =>
      Float64Array.from(
        { length: count },
        (_, i) => ((i * 40_503) % (count * spread)) * 64 + (i % 7),
      );
    const twoKinds = dense(70_000, 2);
    twoKinds[5] = twoKinds[6]! - (twoKinds[6]! % 64) + 63; // node 6's id, with another kind
    for (const keys of [twoKinds, dense(70_000, 4), dense(70_000, 5)]) {
      const expected = sorted(keys);
      sortKeys(keys);
      expect(sameBytes(keys, expected)).toBe(true);
    }
  });

  it("keeps duplicates, and sorts short and empty arrays", () => {
    const keys = Float64Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 1000);
    const expected = sorted(keys);
    sortKeys(keys);
    expect(sameBytes(keys, expected)).toBe(true);
    const short = Float64Array.of(3, 1, 2);
    sortKeys(short);
    expect([...short]).toEqual([1, 2, 3]);
    const empty = new Float64Array(0);
    sortKeys(empty);
    expect(empty.length).toBe(0);
  });
});

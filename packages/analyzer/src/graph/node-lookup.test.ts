import { describe, expect, it } from "vitest";
import { nodeIndexLookup, searchIncreasingIds } from "./node-lookup.js";

describe("nodeIndexLookup", () => {
  const check = (ids: number[]) => {
    const lookup = nodeIndexLookup(Float64Array.from(ids));
    const first = new Map<number, number>();
    ids.forEach((id, i) => {
      if (!first.has(id)) first.set(id, i);
    });
    for (const [id, i] of first) expect(lookup(id)).toBe(i);
    for (const missing of [-1, 0.5, 2 ** 53, Math.max(...ids) + 2, Math.min(...ids) - 2])
      if (!first.has(missing)) expect(lookup(missing)).toBe(-1);
  };

  it("finds ids that mostly increase, as V8 writes them, with a few out of order", () => {
    const ids = [1, 3, 5, 7, 2, 4];
    for (let id = 9; id < 20_000; id += 2 + (id % 7 === 0 ? 40 : 0)) ids.push(id);
    ids.splice(500, 0, 11, 13, 8);
    check(ids);
  });

  it("finds ids in any order (Perl addresses), duplicates going to the first node", () => {
    let seed = 7;
    const ids = Array.from({ length: 5000 }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return 0x5500_0000_0000 + seed * 8;
    });
    ids.push(ids[10]!);
    check(ids);
  });

  it("handles an empty graph", () => {
    expect(nodeIndexLookup(new Float64Array(0))(1)).toBe(-1);
  });
});

describe("searchIncreasingIds", () => {
  it("finds ids in increasing runs, and gives -1 for the absent and some out of order", () => {
    const ids = Float64Array.from({ length: 1000 }, (_, i) => 1 + 2 * i);
    ids[500] = 5; // a repeat, out of order
    expect(searchIncreasingIds(ids, 1)).toBe(0);
    expect(searchIncreasingIds(ids, 1999)).toBe(999);
    expect(searchIncreasingIds(ids, 801)).toBe(400);
    expect(searchIncreasingIds(ids, 1003)).toBe(501);
    expect(searchIncreasingIds(ids, 4)).toBe(-1);
    expect(searchIncreasingIds(ids, 2001)).toBe(-1);
    expect(searchIncreasingIds(new Float64Array(0), 1)).toBe(-1);
  });
});

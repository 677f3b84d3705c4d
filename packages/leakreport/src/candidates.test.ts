import { describe, expect, it } from "vitest";
import { countShared, findCandidates, objectKey, subtract } from "./candidates.js";

const dump = (...keys: number[]) => Float64Array.from(keys).sort();

describe("findCandidates", () => {
  it("keeps keys that appear in one dump and survive every later one", () => {
    const dumps = [dump(1, 2), dump(1, 2, 3, 4), dump(1, 3, 5), dump(1, 3, 5)];
    const { keys, generation } = findCandidates(dumps);
    expect([...keys]).toEqual([3, 5]);
    expect([...generation]).toEqual([1, 2]);
  });

  it("lets the last dump only confirm", () => {
    const { keys } = findCandidates([dump(1), dump(1, 2), dump(1, 2, 3)]);
    expect([...keys]).toEqual([2]);
  });

  it("finds nothing with fewer than three dumps", () => {
    expect(findCandidates([dump(1), dump(1, 2)]).keys.length).toBe(0);
  });

  it("stops after the first dump that adds any with onefile", () => {
    const dumps = [dump(1), dump(1), dump(1, 7, 8), dump(1, 7, 8, 9), dump(1, 7, 8, 9)];
    const all = findCandidates(dumps);
    expect([...all.keys]).toEqual([7, 8, 9]);
    const first = findCandidates(dumps, { onefile: true });
    expect([...first.keys]).toEqual([7, 8]);
    expect([...first.generation]).toEqual([2, 2]);
  });

  it("with onefile, resumes as pmat-leakreport does once the first candidates are gone", () => {
    // 7 is new in dump 1 and gone by dump 3; pmat then compares dump 3 with dump 1, the last
    // dump it did not skip, so 8 (new in dump 2) counts as new in dump 3.
    const dumps = [dump(1), dump(1, 7), dump(1, 7, 8), dump(1, 8, 9), dump(1, 8, 9)];
    const first = findCandidates(dumps, { onefile: true });
    expect([...first.keys]).toEqual([8, 9]);
    expect([...first.generation]).toEqual([3, 3]);
    const all = findCandidates(dumps);
    expect([...all.keys]).toEqual([8, 9]);
    expect([...all.generation]).toEqual([2, 3]);
  });

  it("tells the same id with another kind apart", () => {
    const a = objectKey(101, 3);
    const b = objectKey(101, 2);
    // The id was reused by an object of another kind: that is a new object, which then went away.
    expect([...findCandidates([dump(a), dump(b), dump(a)]).keys]).toEqual([]);
    expect([...findCandidates([dump(a), dump(b), dump(b)]).keys]).toEqual([b]);
  });
});

describe("sorted set operations", () => {
  it("counts what two share, and subtracts", () => {
    expect(countShared(dump(1, 3, 5, 7), dump(3, 4, 7))).toBe(2);
    expect(countShared(dump(1, 3), dump())).toBe(0);
    expect([...subtract(dump(1, 3, 5, 7), dump(3, 4, 7))]).toEqual([1, 5]);
  });
});

import { describe, expect, it } from "vitest";
import { leakCandidates } from "./candidates.js";

describe("leakCandidates", () => {
  it("keeps ids that appear in one dump and survive every later one", () => {
    const dumps = [new Set([1, 2]), new Set([1, 2, 3, 4]), new Set([1, 3, 5]), new Set([1, 3, 5])];
    expect(leakCandidates(dumps)).toEqual([[], [3], [5], []]);
  });
});

import { describe, expect, it } from "vitest";
import { lazyStrings } from "./lazy-strings.js";

// Three blocks of texts; string 4 is overridden (a redacted one: its text is empty), and the table
// counts two more strings than its blocks list (a salvaged file's missing names: empty).
const BLOCKS = [
  ["ab", "c", "", "abc"],
  ["", "dab", "cd", "c"],
  ["ab", "xcdx", "cd"],
];
const OVERRIDES = new Map([[4, "<redacted: 3 characters>"]]);
const EXPECTED = [...BLOCKS.flat(), "", ""].map((text, i) => OVERRIDES.get(i) ?? text);

function table() {
  const lengths = Uint32Array.from(BLOCKS.flat(), (text) => text.length);
  const firstOf = new Uint32Array(BLOCKS.length + 1);
  BLOCKS.forEach((block, b) => {
    firstOf[b + 1] = firstOf[b]! + block.length;
  });
  const decoded: number[] = [];
  const strings = lazyStrings({
    lengths,
    firstOf,
    text: (b) => {
      decoded.push(b);
      return BLOCKS[b]!.join("");
    },
    overrides: OVERRIDES,
    count: EXPECTED.length,
  });
  return { strings, decoded };
}

describe("lazyStrings", () => {
  it("makes every string once, overrides and missing ones included", () => {
    const { strings } = table();
    expect(strings.length).toBe(EXPECTED.length);
    expect(strings.materialized).toBe(false);
    expect(strings.all()).toEqual(EXPECTED);
    expect(strings.all()).toBe(strings.all());
    expect(strings.materialized).toBe(true);
  });

  it("reads single strings, searches and finds parts without making them all", () => {
    const { strings, decoded } = table();
    const points = strings.points();
    expect(points.length).toBe(EXPECTED.length);
    expect(Array.from({ length: EXPECTED.length }, (_, i) => points[i])).toEqual(EXPECTED);
    for (const wanted of [...EXPECTED, "b", "ca", "d", "x", "zz", "<redacted"])
      expect(strings.indexOf(wanted), wanted).toBe(EXPECTED.indexOf(wanted));
    expect(points.indexOf("cd")).toBe(EXPECTED.indexOf("cd"));
    // "cd" spans strings 2 and 3 of block 0's text ("abc" + "" + "abc"): it is in neither.
    for (const part of ["c", "cd", "ab", "d", "abca", "redacted", ""]) {
      const naive = EXPECTED.flatMap((text, i) => (text.includes(part) ? [i] : []));
      expect(strings.containing(part), part).toEqual(naive);
    }
    expect(strings.materialized).toBe(false);
    expect(new Set(decoded)).toEqual(new Set([0, 1, 2]));
  });

  it("answers from the strings once they are made", () => {
    const { strings, decoded } = table();
    strings.all();
    decoded.length = 0;
    expect(strings.points()[6]).toBe("cd");
    expect(strings.indexOf("xcdx")).toBe(9);
    expect(strings.containing("x")).toEqual([9]);
    expect(decoded).toEqual([]);
  });
});

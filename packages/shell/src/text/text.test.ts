import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, suggest } from "./suggest.js";
import { table } from "./table.js";
import { tokenize } from "./tokenize.js";

describe("suggest", () => {
  it("finds typos and prefixes, and stays quiet when nothing is close", () => {
    expect(editDistance("identify", "idenitfy")).toBe(2);
    expect(suggest("idenitfy", ["identify", "inrefs", "size"])).toBe("identify");
    expect(suggest("inre", ["identify", "inrefs", "size"])).toBe("inrefs");
    expect(suggest("banana", ["identify", "inrefs", "size"])).toBeUndefined();
    expect(didYouMean("--jsn", ["--json", "--help"])).toBe(" (did you mean '--json'?)");
  });
});

describe("tokenize", () => {
  it("splits on spaces and honours quotes and escapes", () => {
    expect(tokenize(`find  string='a b' "x\\"y" c\\ d`)).toEqual([
      "find",
      "string=a b",
      'x"y',
      "c d",
    ]);
    expect(tokenize("   ")).toEqual([]);
    expect(() => tokenize("find 'open")).toThrow("unterminated ' quote");
  });
});

describe("table", () => {
  it("pads columns, right-aligns numbers and clips long names", () => {
    const lines = table(
      [
        { header: "Name", max: 8 },
        { header: "Count", align: "right" },
      ],
      [
        ["Map", "3"],
        ["AVeryLongConstructorName", "1200"],
      ],
    );
    expect(lines).toEqual(["Name      Count", "Map           3", "AVeryLo…   1200"]);
  });
});

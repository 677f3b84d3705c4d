import { describe, expect, it } from "vitest";
import type { Column } from "./aligned-columns.js";
import { DamagedStrings, encodeStrings, stringTable } from "./string-table.js";

/** Every string, or null when the columns do not agree with each other (a damaged cache). */
function decodeStrings(
  blocks: Parameters<typeof stringTable>[0],
  column: (name: string) => Column | undefined,
): string[] | null {
  const lengths = column("lengths");
  if (!(lengths instanceof Uint32Array)) return null;
  try {
    return stringTable(blocks, lengths, column)?.all() ?? null;
  } catch (error) {
    if (error instanceof DamagedStrings) return null;
    throw error;
  }
}

describe("the cache's string table", () => {
  const strings = [
    "",
    "plain",
    "\ufeffstarts with a byte order mark",
    "naïve 文字 🎉",
    "lone \ud800 surrogate",
    "",
    "x".repeat(100),
    "trailing \udc00",
    "after",
  ];

  it("round-trips any JS string, in one block or many", () => {
    for (const blockBytes of [1 << 20, 16, 1]) {
      const { blocks, columns } = encodeStrings(strings, blockBytes);
      if (blockBytes === 1 << 20) expect(blocks).toHaveLength(1);
      else expect(blocks.length).toBeGreaterThan(2);
      expect(decodeStrings(blocks, (name) => columns[name])).toEqual(strings);
    }
  });

  it("keeps well-formed blocks in UTF-8 and the others as UTF-16", () => {
    const { blocks } = encodeStrings(strings, 1);
    // The two strings with a lone surrogate, each in a block of its own.
    expect(blocks.filter((b) => b.encoding === "utf16")).toHaveLength(2);
    expect(blocks.filter((b) => b.encoding === "utf8").length).toBeGreaterThan(3);
  });

  it("decodes an empty table, and refuses columns that disagree", () => {
    const empty = encodeStrings([]);
    expect(decodeStrings(empty.blocks, (name) => empty.columns[name])).toEqual([]);
    const { blocks, columns } = encodeStrings(strings);
    const lengths = new Uint32Array(columns.lengths as Uint32Array);
    lengths[1]! += 1;
    expect(
      decodeStrings(blocks, (name) => (name === "lengths" ? lengths : columns[name])),
    ).toBeNull();
    expect(
      decodeStrings(blocks, (name) => (name === "lengths" ? columns[name] : undefined)),
    ).toBeNull();
  });

  it("decodes a block when one of its strings is first read, for point reads", () => {
    const { blocks, columns } = encodeStrings(strings, 16);
    const read: string[] = [];
    const table = stringTable(blocks, columns.lengths as Uint32Array, (name, alone) => {
      read.push(`${name}${alone ? " alone" : ""}`);
      return columns[name];
    })!;
    const points = table.points();
    expect(points.length).toBe(strings.length);
    expect(points[3]).toBe(strings[3]);
    expect(points[4]).toBe(strings[4]);
    expect(read.length).toBe(2);
    expect(read.every((name) => name.endsWith(" alone"))).toBe(true);
    // Anything else is asked of every string.
    expect(points.indexOf("after")).toBe(strings.length - 1);
    expect(table.all()).toEqual(strings);
    expect(read.length).toBe(blocks.length);
  });

  it("throws for a block that does not decode to its lengths, once it is read", () => {
    const { blocks, columns } = encodeStrings(["ab", "cd"]);
    const lengths = Uint32Array.of(2, 3);
    expect(stringTable(blocks, Uint32Array.of(2), (name) => columns[name])).toBeNull();
    const table = stringTable(blocks, lengths, (name) => columns[name])!;
    expect(() => table.points()[0]).toThrow(DamagedStrings);
    expect(() => table.all()).toThrow("string block 0");
  });
});

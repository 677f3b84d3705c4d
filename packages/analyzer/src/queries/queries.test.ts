import { beforeAll, expect, describe as group, it } from "vitest";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { openSnapshot } from "../node/open.js";
import { describe, label } from "./describe.js";
import { diff } from "./diff.js";
import { inrefs, outrefs } from "./edges.js";
import { FilterSyntaxError, find, parseFilters } from "./find.js";
import { formatBytes } from "./format.js";
import { globals, modules, roots } from "./roots.js";
import { show } from "./show.js";
import { strings } from "./strings.js";
import { count, largest } from "./summary.js";
import { snapshotProgram } from "./testing/snapshot-program.js";
import { nameOf } from "./vocabulary.js";

// A CommonJS program that leaks Leak objects, holds a big table, and runs with allocation
// tracking; a second snapshot after one more step gives diff something to compare.
const program = `
class Leak { constructor(i) { this.i = i; this.note = ["dup", "licate"].join("-"); } }
const leaks = [];
function makeLeak(i) { return new Leak(i); }
for (let i = 0; i < 30; i++) leaks.push(makeLeak(i));
globalThis.bigTable = Array.from({ length: 20000 }, (_, i) => ({ row: "r" + i }));
globalThis.handlerRef = function onTick() { return leaks; };
globalThis.text = "x".repeat(5000) + "!";
globalThis.step = () => {
  leaks.splice(0, 5);
  for (let i = 0; i < 20; i++) leaks.push(makeLeak(100 + i));
};
`;

let a: HeapIndexes;
let b: HeapIndexes;
let script: string;

beforeAll(async () => {
  const [first, second] = snapshotProgram("leaky.cjs", program, {
    snapshots: 2,
    nodeArgs: ["--track-heap-objects"],
  }) as [string, string];
  script = first.replace(/\.heapsnapshot$/, "");
  a = indexHeap(await openSnapshot(first));
  b = indexHeap(await openSnapshot(second));
});

const one = (index: HeapIndexes, expression: string) => {
  const found = find(index, parseFilters(expression));
  expect(found.length).toBeGreaterThan(0);
  return found[0]!;
};

group("describe and show", () => {
  it("labels objects, plain objects by shape, strings by value, sizes like pmat", () => {
    const leak = one(a, "constructor=Leak");
    expect(describe(a, leak)).toMatch(/^Leak @\d+ \(\d+ B, retains \d+ B\)$/);
    const row = a.graph.edgeTarget[a.graph.firstEdge[one(a, "constructor=Array retained>100K")]!]!;
    expect(label(a.graph, one(a, "string~/^x+!$/"))).toMatch(/^'x{40}…' @\d+$/);
    expect(formatBytes(488)).toBe("488 B");
    expect(formatBytes(1229)).toBe("1.2 KiB");
    expect(row).toBeGreaterThanOrEqual(0);
    const shapes = find(a, parseFilters("constructor=Object")).map((node) => label(a.graph, node));
    expect(shapes).toContainEqual(expect.stringMatching(/^\{row\} @\d+$/));
    expect(shapes).toContainEqual(expect.stringMatching(/^Leak\.prototype @\d+$/));
  });

  it("shows a closure's location and an object's allocation stack", () => {
    const closure = show(a, one(a, "closure=onTick"));
    expect(closure.kind).toBe("closure");
    expect(closure.location).toEqual({ script, line: 7, column: expect.any(Number) });
    const leak = show(a, one(a, "constructor=Leak"));
    expect(leak.distance).toBeGreaterThan(0);
    expect(leak.retainedSize).toBeGreaterThanOrEqual(leak.selfSize);
    expect(leak.outrefs.byKind.property).toBeGreaterThanOrEqual(2);
    expect(leak.inrefs.first[0]).toMatchObject({ kind: "element", strength: "strong" });
    expect(leak.allocationStack?.[0]).toMatchObject({ functionName: "makeLeak", line: 4 });
    const text = show(a, one(a, "string~/^x+!$/"));
    expect(text.stringValue).toBe(`${"x".repeat(5000)}!`);
    expect(JSON.parse(JSON.stringify(leak))).toEqual(leak);
    expect(() => show(a, a.graph.nodeCount)).toThrow(/not in this heap.*nodeIndexOf/);
  });

  it("lists outrefs and inrefs with kind, name and strength", () => {
    const leak = one(a, "constructor=Leak");
    const out = outrefs(a, leak);
    expect(out).toContainEqual(
      expect.objectContaining({
        kind: "property",
        name: "note",
        strength: "strong",
        description: expect.stringMatching(/^'dup-licate' @/),
      }),
    );
    const into = inrefs(a, leak);
    expect(into[0]).toMatchObject({
      kind: "element",
      description: expect.stringMatching(/^Array @\d+/),
    });
  });
});

group("find", () => {
  it("composes filters", () => {
    expect(find(a, parseFilters("constructor=Leak"))).toHaveLength(30);
    expect(find(b, parseFilters("constructor=Leak"))).toHaveLength(45);
    expect(find(a, parseFilters("constructor=Leak size>100000"))).toHaveLength(0);
    expect(find(a, parseFilters('string="dup-licate"')).length).toBeGreaterThanOrEqual(30);
    expect(find(a, parseFilters(`closure=onTick script~leaky.cjs`))).toHaveLength(1);
    expect(find(a, parseFilters("kind=closure closure!=onTick")).length).toBeGreaterThan(10);
    expect(find(a, [{ by: "constructor", name: "Leak" }], { limit: 3 })).toHaveLength(3);
  });

  it("finds what was allocated between two ids", () => {
    const before = find(a, parseFilters("constructor=Leak")).map((n) => a.graph.nodeId[n]!);
    const newest = Math.max(...before);
    const later = find(b, parseFilters(`constructor=Leak id=${newest + 1}..`));
    expect(later).toHaveLength(20);
  });

  it("parses sizes and ranges, and explains bad expressions", () => {
    expect(parseFilters("size>=1K retained=1..2MiB number=7")).toEqual([
      { by: "selfSize", range: { min: 1024 } },
      { by: "retainedSize", range: { min: 1, max: 2 * 1024 * 1024 } },
      { by: "number", value: 7 },
    ]);
    expect(() => parseFilters("colour=red")).toThrow(FilterSyntaxError);
    expect(() => parseFilters("colour=red")).toThrow(/at character 1: expected a filter name/);
    expect(() => parseFilters("size>lots")).toThrow(/at character 6: expected a size/);
    expect(() => parseFilters("string~/[/")).toThrow(/expected a valid regular expression/);
    expect(() => parseFilters("kind>3")).toThrow(/expected = or != after "kind"/);
    expect(() => parseFilters("size>1 closure=")).toThrow(
      /at character 16: expected a value after/,
    );
    expect(() => find(a, parseFilters("kind=clousre"))).toThrow(/expected one of .*closure/);
  });
});

group("count, largest, roots, globals, modules, strings", () => {
  it("counts by kind and by constructor", () => {
    const byKind = count(a, "kind");
    expect(byKind.find((r) => r.key === "object")?.count).toBeGreaterThan(20000);
    const total = byKind.reduce((sum, r) => sum + r.count, 0);
    expect(total).toBe(a.graph.nodeCount);
    const leaks = count(a, "constructor").find((r) => r.key === "Leak");
    expect(leaks).toMatchObject({ count: 30 });
    expect(leaks!.retainedSize).toBeGreaterThanOrEqual(leaks!.selfSize);
  });

  it("finds the largest objects, nesting what they own", () => {
    const [top] = largest(a, 5, { by: "retained" });
    expect(a.graph.nodeId[top!.index]).toBe(top!.id);
    const table = one(a, "constructor=Array retained>100K");
    expect(largest(a, 50).map((e) => e.index)).toContain(table);
    const self = largest(a, 3, { by: "self" });
    expect(self[0]!.size).toBeGreaterThanOrEqual(self[1]!.size);
    const [owned] = largest(a, 1, { owned: true });
    expect(owned!.owned!.length).toBeGreaterThan(0);
    for (const child of owned!.owned!) expect(a.dominator[child.index]).toBe(owned!.index);
  });

  it("lists roots and globals", () => {
    const names = roots(a).map((r) => r.name);
    expect(names).toContain("(Stack roots)");
    expect(names).toContain("the global object");
    const g = globals(a);
    const table = g.find((r) => r.name === "bigTable");
    expect(table?.description).toMatch(/^Array @\d+/);
    expect(table!.retainedSize).toBeGreaterThan(20000 * 16);
    expect(g.find((r) => r.name === "handlerRef")?.description).toMatch(
      /^closure 'onTick' \(leaky\.cjs:7\) @\d+ \(/,
    );
  });

  it("attributes memory to modules", () => {
    expect(modules(a).map((m) => m.script)).toContain(script);
  });

  it("reports duplicated strings and their wasted bytes", () => {
    const dups = strings(a, { duplicates: true });
    const dup = dups.find((r) => r.value === "dup-licate");
    expect(dup?.count).toBeGreaterThanOrEqual(30);
    expect(dup!.wasted).toBe(dup!.bytes - dup!.bytes / dup!.count);
    for (const row of dups) expect(row.count).toBeGreaterThan(1);
  });
});

group("diff", () => {
  it("counts new, freed and surviving objects per constructor by id", () => {
    const result = diff(a, b);
    const leaks = result.byConstructor.find((r) => r.key === "Leak")!;
    expect(leaks.added.count).toBe(20);
    expect(leaks.freed.count).toBe(5);
    expect(leaks.surviving.count).toBe(25);
    expect(leaks.delta.count).toBe(15);
    expect(result.surviving.count + result.added.count).toBe(b.graph.nodeCount);
    expect(result.surviving.count + result.freed.count).toBe(a.graph.nodeCount);
    expect(nameOf(a.graph, one(a, "constructor=Leak"))).toBe("Leak");
  });
});

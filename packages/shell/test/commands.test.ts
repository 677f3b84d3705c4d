import { describe, expect, inject, it } from "vitest";
import { heapmat } from "./run.js";

const { first, second } = inject("snapshots");

/** Runs one command with --json and parses its output. */
function json(file: string, ...args: string[]) {
  const run = heapmat([file, ...args, "--json"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

function text(file: string, ...args: string[]): string {
  const run = heapmat([file, ...args]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

/** Tables must read in an 80-column terminal. */
function table(file: string, ...args: string[]): string {
  const out = text(file, ...args);
  for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  return out;
}

describe("commands on a real snapshot", () => {
  it("identify names a module variable, an element, a property and a global", () => {
    expect(text(first, "identify", "module:leaky-app.mjs#sessions")).toMatch(
      /^Map @\d+ \(32 B, retains [\d.]+ KiB\) is:\n└─ the variable 'sessions' of module file:\/\/\/.*leaky-app\.mjs\n$/,
    );
    const tree = text(first, "identify", "global.appCache.list[1]");
    expect(tree).toMatch(/^SessionRecord @\d+ .* is:$/m);
    expect(tree).toMatch(/^└─ element 1 of Array @\d+, which is:$/m);
    expect(tree).toMatch(/property 'list' of \{byName, list\} @\d+, which is:$/m);
    expect(tree).toMatch(/└─ a global 'appCache'$/m);
    const data = json(first, "identify", "global.appCache.list[1]");
    expect(data.description).toMatch(/^SessionRecord @/);
    expect(data.retainers[0].text).toMatch(/^element 1 of Array @\d+$/);
  });

  it("values and elems list Map entries, properties and elements", () => {
    const entries = text(first, "values", "module:leaky-app.mjs#sessions", "--count", "2");
    expect(entries).toMatch(
      /^Map @\d+: 100 values\n\$1 +'s0' +SessionRecord @\d+\n\$2 +'s1' +SessionRecord @\d+\n$/,
    );
    const data = json(second, "values", "module:leaky-app.mjs#sessions", "--start", "149");
    expect(data.total).toBe(150);
    expect(data.entries).toEqual([
      {
        key: "'s149'",
        keyObject: expect.objectContaining({ kind: "string" }),
        value: expect.objectContaining({ name: "SessionRecord" }),
      },
    ]);
    expect(text(first, "elems", "global.appCache.list")).toMatch(
      /: 3 elements\n(\$\d +\[\d\] +SessionRecord @\d+\n){3}$/,
    );
    expect(text(first, "elems", "global.tags")).toMatch(
      /^Set @\d+: 2 elements\n\$1 \[0\] {2}'red' @\d+\n\$2 \[1\] {2}'green' @\d+\n$/,
    );
    expect(text(first, "values", "global.appCache")).toMatch(
      /byName +\{alpha\} @\d+\n.*list +Array @\d+\n$/,
    );
  });

  it("size gives self, structural and retained bytes", () => {
    const big = json(first, "size", "global.big");
    expect(big.kind).toBe("string");
    expect(big.self).toBeGreaterThanOrEqual(300_000);
    expect(big.retained).toBe(big.self);
    const map = json(first, "size", "module:leaky-app.mjs#sessions");
    expect(map.structural).toBeGreaterThan(map.self);
    expect(map.retained).toBeGreaterThan(map.structural);
  });

  it("find filters, counts, and rejects a bad filter with exit code 2", () => {
    expect(text(first, "find", "constructor=SessionRecord", "-C")).toBe("Total: 104 objects\n");
    expect(json(second, "find", "constructor=SessionRecord", "-C")).toEqual({ count: 154 });
    const listed = text(first, "find", "constructor=SessionRecord", "size>=40", "--limit", "2");
    expect(listed).toMatch(
      /^\$1 SessionRecord @\d+ \(40 B, retains \d+ B\)\n\$2 .*\nTotal: 2 objects\n$/,
    );
    const bad = heapmat([first, "find", "constructor=Foo", "size>"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: find: filter "constructor=Foo size>": at character \d+: expected .*\n$/,
    );
  });

  it("count, largest, strings, globals, roots and modules summarise the heap", () => {
    const rows = json(first, "count").rows as {
      key: string;
      count: number;
      retainedSize: number;
    }[];
    const sessions = rows.find((r) => r.key === "SessionRecord");
    expect(sessions?.count).toBe(104);
    expect(sessions?.retainedSize).toBeGreaterThan(104 * 40);
    table(first, "count", "--by", "kind", "--top", "5");
    table(first, "count", "--top", "8");
    table(first, "strings", "--top", "5");
    table(first, "modules", "--top", "5");
    table(first, "globals");
    const largest = json(first, "largest", "3", "--self");
    expect(largest[0].description).toMatch(/^'BBBB/);
    expect(text(first, "largest", "2", "--owned")).toMatch(/: of which\n\$2 +\| +\S/);
    const dups = json(first, "strings", "--dups");
    expect(dups.find((r: { value: string }) => r.value === "dup-licated-text")?.count).toBe(40);
    const user = json(first, "globals", "--user").map((g: { name: string }) => g.name);
    expect(user).toEqual(["appCache", "big", "dupes", "slow", "tags"]);
    expect(table(first, "roots")).toMatch(/the global object +global @\d+/);
    const modules = json(first, "modules", "--top", "100").modules as { script: string }[];
    expect(modules.some((m) => m.script.endsWith("/leaky-app.mjs"))).toBe(true);
  });

  it("diff and count --diff show what grew since a baseline", () => {
    const result = json(second, "diff", first);
    const row = result.byConstructor.find((r: { key: string }) => r.key === "SessionRecord");
    expect(row.added.count).toBe(50);
    expect(row.freed.count).toBe(0);
    expect(table(second, "diff", first, "--top", "5")).toMatch(
      /^Baseline first\.heapsnapshot\nNew [\d,]+ \(.*\), freed [\d,]+ \(.*\), surviving [\d,]+\n/,
    );
    const counted = json(second, "count", "--diff", first).rows.find(
      (r: { key: string }) => r.key === "SessionRecord",
    );
    expect(counted.countChange).toBe(50);
  });

  it("show, outrefs, inrefs and allocs describe one object", () => {
    const shown = text(first, "show", "global.appCache.list[0]");
    expect(shown).toMatch(/^ {2}kind {8}object$/m);
    expect(shown).toMatch(/^ {2}dominator {3}Array @\d+$/m);
    expect(text(first, "inrefs", "module:leaky-app.mjs#sessions")).toMatch(
      /\$1 +s +context +sessions +system \/ Context/,
    );
    const out = json(first, "outrefs", "global.appCache");
    expect(out.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(["byName", "list"]),
    );
    const stack = text(first, "allocs", "global.appCache.list[0]");
    expect(stack).toMatch(
      /^SessionRecord @\d+ was allocated at:\n {2}\S.*leaky-app\.mjs:\d+:\d+\)\n/,
    );
  });

  it("gives parseable JSON for every data command", () => {
    const samples = [
      ["summary"],
      ["count", "--top", "2"],
      ["largest", "2"],
      ["size", "global.appCache"],
      ["identify", "global.appCache", "--depth", "2"],
      ["show", "global.appCache"],
      ["outrefs", "global.appCache"],
      ["inrefs", "global.appCache"],
      ["elems", "global.dupes", "--count", "2"],
      ["values", "global.appCache"],
      ["find", "kind=regexp", "--limit", "2"],
      ["roots"],
      ["globals"],
      ["modules", "--top", "2"],
      ["strings", "--top", "2"],
      ["allocs", "global.appCache"],
      ["diff", second, "--top", "2"],
    ];
    // One script, one process: each command prints one JSON document.
    const run = heapmat([first], samples.map((args) => `${args.join(" ")} --json`).join("\n"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const docs = jsonDocuments(run.stdout);
    expect(docs).toHaveLength(samples.length);
    expect(docs[0]!.format).toBe("heapsnapshot");
  });
});

/** Splits concatenated pretty-printed JSON documents (each ends with a line at column 0). */
function jsonDocuments(text: string): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    pending += `${line}\n`;
    if (/^[\]}]$|^null$|^\[\]$|^\{\}$/.test(line)) {
      docs.push(JSON.parse(pending));
      pending = "";
    }
  }
  expect(pending.trim()).toBe("");
  return docs;
}

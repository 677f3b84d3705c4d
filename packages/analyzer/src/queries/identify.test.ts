import { beforeAll, describe, expect, it } from "vitest";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { lazyStrings } from "../graph/lazy-strings.js";
import { type SmallEdge, smallGraph } from "../graph/testing/small-graph.js";
import { openSnapshot } from "../node/open.js";
import { sourceLocation } from "./describe.js";
import { type Identification, identify, type RetainerStep } from "./identify.js";
import { renderIdentification } from "./render.js";
import { snapshotProgram } from "./testing/snapshot-program.js";
import { nameOf } from "./vocabulary.js";

// One program exercises every shape identify must name; it runs as ESM and as CommonJS.
const program = (esm: boolean) => `
${esm ? 'import { EventEmitter } from "node:events";' : 'const { EventEmitter } = require("node:events");'}
class SessionRecord { constructor(tag) { this.tag = tag; } }
const sessions = new Map();
for (let i = 0; i < 3; i++) sessions.set("key" + i, new SessionRecord("map-value-" + i));
const seen = new Set([new SessionRecord("set-element")]);
const list = [];
for (let i = 0; i < 6; i++) list.push(new SessionRecord("array-" + i));
class Cache { constructor() { this.cache = { entry: new SessionRecord("property") }; } }
const holder = new Cache();
function makeHandler() {
  const captured = new SessionRecord("closure");
  return function onData() { return captured; };
}
const handler = makeHandler();
const bus = new EventEmitter();
{ const viaListener = new SessionRecord("listener"); bus.on("change", function onChange() { return viaListener; }); }
{ const viaOnce = new SessionRecord("once"); bus.once("ready", function onReady() { return viaOnce; }); }
const pending = new Promise(() => {});
{ const awaited = new SessionRecord("promise"); pending.then(function onResolved() { return awaited; }); }
{ const ticking = new SessionRecord("interval"); setInterval(function tick() { return ticking; }, 1e6); }
{ const later = new SessionRecord("timeout"); setTimeout(function fire() { return later; }, 1e6); }
globalThis.foo = new SessionRecord("global");
const me = new SessionRecord("cycle"); me.self = me;
const privateCache = new Map([["k", new SessionRecord("private")]]);
async function handle() { const local = new SessionRecord("async-local"); await pending; return local; }
handle();
const weakTarget = new SessionRecord("weak-target");
const weakRef = new WeakRef(weakTarget);
const keys = [new SessionRecord("weak-key")];
const weakMap = new WeakMap([[keys[0], new SessionRecord("weakmap-value")]]);
function lookup(key) { return privateCache.get(key); }
${esm ? "export" : "module.exports ="} { sessions, seen, list, holder, handler, bus, me, lookup, pending, keys, weakMap, weakTarget, weakRef };
`;

/** The SessionRecord whose tag is `tag`. */
function record(index: HeapIndexes, tag: string): number {
  const graph = index.graph;
  for (let i = 0; i < graph.nodeCount; i++) {
    if (nameOf(graph, i) !== "SessionRecord") continue;
    for (let e = graph.firstEdge[i]!; e < graph.firstEdge[i + 1]!; e++)
      if (nameOf(graph, graph.edgeTarget[e]!) === tag) return i;
  }
  throw new Error(`no SessionRecord tagged ${tag}`);
}

/** Every path of the tree as its steps' words, root-most last. */
function paths(steps: RetainerStep[], prefix: string[] = []): string[][] {
  return steps.flatMap((step) => {
    const path = [...prefix, step.text];
    return step.retainers.length > 0 ? paths(step.retainers, path) : [path];
  });
}

function firstPath(result: Identification): string[] {
  return paths(result.retainers)[0]!;
}

for (const esm of [true, false]) {
  const file = esm ? "session-cache.mjs" : "session-cache.cjs";
  describe(`identify (${esm ? "ESM" : "CommonJS"} module)`, () => {
    let index: HeapIndexes;
    let moduleName: string;
    // CommonJS exports are properties of module.exports; ESM exports are module variables.
    const holding = (name: string) =>
      esm
        ? `the variable '${name}' of module ${moduleName}`
        : `the export '${name}' of module ${moduleName}`;
    beforeAll(async () => {
      const [snapshot] = snapshotProgram(file, program(esm)) as [string];
      index = indexHeap(await openSnapshot(snapshot));
      const path = snapshot.replace(/\.heapsnapshot$/, "");
      moduleName = esm ? `file://${path}` : path;
    });

    it("names a Map value by its key and the module variable holding the Map", () => {
      const result = identify(index, record(index, "map-value-1"));
      const [first, second] = firstPath(result);
      expect(first).toMatch(/^a value in Map @\d+ \(key 'key1'\)$/);
      expect(second).toBe(holding("sessions"));
      expect(result.description).toMatch(/^SessionRecord @\d+ \(\d+ B, retains \d+ B\)$/);
    });

    it("names a Set element", () => {
      expect(firstPath(identify(index, record(index, "set-element")))).toEqual([
        expect.stringMatching(/^an element of Set @\d+$/),
        holding("seen"),
      ]);
    });

    it("names an array element", () => {
      expect(firstPath(identify(index, record(index, "array-4")))).toEqual([
        expect.stringMatching(/^element 4 of Array @\d+$/),
        holding("list"),
      ]);
    });

    it("names a property chain", () => {
      expect(firstPath(identify(index, record(index, "property")))).toEqual([
        expect.stringMatching(/^property 'entry' of \{entry\} @\d+$/),
        expect.stringMatching(/^property 'cache' of Cache @\d+$/),
        holding("holder"),
      ]);
    });

    it("names a closure's captured variable with the closure's file and line", () => {
      expect(firstPath(identify(index, record(index, "closure")))).toEqual([
        `the variable 'captured' of the closure 'onData' (${file}:13)`,
        holding("handler"),
      ]);
    });

    it("names an event listener", () => {
      const path = firstPath(identify(index, record(index, "listener")));
      expect(path[0]).toMatch(
        /^a variable of the closure 'onChange' \(session-cache\.[mc]js:17\)$/,
      );
      expect(path[1]).toMatch(/^a listener for 'change' of EventEmitter @\d+$/);
      expect(path[2]).toBe(holding("bus"));
    });

    it("names a module's private variable that a function captures", () => {
      expect(firstPath(identify(index, record(index, "private")))).toEqual([
        expect.stringMatching(/^a value in Map @\d+ \(key 'k'\)$/),
        `the variable 'privateCache' of module ${moduleName}`,
      ]);
    });

    it("names a once listener and a promise reaction", () => {
      expect(firstPath(identify(index, record(index, "once")))).toEqual([
        `a variable of the closure 'onReady' (${file}:18)`,
        expect.stringMatching(/^a once listener for 'ready' of EventEmitter @\d+$/),
        holding("bus"),
      ]);
      expect(firstPath(identify(index, record(index, "promise")))).toEqual([
        `a variable of the closure 'onResolved' (${file}:20)`,
        expect.stringMatching(/^a reaction to Promise @\d+$/),
        holding("pending"),
      ]);
    });

    it("names a suspended async function's local and the promise it awaits", () => {
      const path = firstPath(identify(index, record(index, "async-local")));
      expect(path[0]).toBe(`a local variable of the async function 'handle' (${file}:26)`);
      expect(path[1]).toMatch(/^suspended, awaiting Promise @\d+$/);
      expect(path[2]).toBe(holding("pending"));
    });

    it("names a WeakMap value through its key and its table", () => {
      const texts = identify(index, record(index, "weakmap-value")).retainers.map((s) => s.text);
      expect(texts).toContainEqual(
        expect.stringMatching(/^a value in WeakMap @\d+ \(key SessionRecord @\d+\)$/),
      );
      expect(texts).toContainEqual(
        expect.stringMatching(/^the value for key SessionRecord @\d+ in WeakMap @\d+$/),
      );
    });

    it("shows weak retainers only when asked", () => {
      const node = record(index, "weak-target");
      const strong = identify(index, node, { all: true }).retainers.map((s) => s.text);
      const weak = identify(index, node, { all: true, weak: true }).retainers.map((s) => s.text);
      expect(strong.some((text) => /WeakRef/.test(text))).toBe(false);
      expect(weak).toContainEqual(expect.stringMatching(/^weak '\w+' of WeakRef @\d+$/));
    });

    it("names timers", () => {
      expect(firstPath(identify(index, record(index, "interval")))).toEqual([
        `a variable of the closure 'tick' (${file}:21)`,
        expect.stringMatching(/^a timer \(setInterval\) @\d+$/),
      ]);
      expect(firstPath(identify(index, record(index, "timeout")))[1]).toMatch(
        /^a timer \(setTimeout\) @\d+$/,
      );
    });

    it("names a global", () => {
      expect(firstPath(identify(index, record(index, "global")))).toEqual(["a global 'foo'"]);
    });

    it("marks a cycle back to the object as itself when asked for all retainers", () => {
      const result = identify(index, record(index, "cycle"), { all: true });
      const cycle = result.retainers.find((step) => step.itself);
      expect(cycle?.text).toMatch(/^property 'self' of SessionRecord @\d+$/);
      expect(renderIdentification(result)).toContain("itself");
    });

    it("bounds the tree by depth, width and size", () => {
      const node = record(index, "map-value-2");
      const shallow = identify(index, node, { full: true, depth: 2 });
      expect(shallow.retainers[0]!.retainers[0]!.cut).toBe("depth");
      expect(renderIdentification(shallow)).toContain("… (depth limit)");
      const wide = identify(index, node, { all: true, width: 1, depth: 40, maxSteps: 5 });
      const count = (steps: RetainerStep[]): number =>
        steps.reduce((sum, step) => sum + 1 + count(step.retainers), 0);
      expect(count(wide.retainers)).toBeLessThanOrEqual(5);
      expect(JSON.parse(JSON.stringify(wide))).toEqual(wide);
    });

    it("shows the internal hops with full", () => {
      const folded = firstPath(identify(index, record(index, "map-value-1")));
      const full = firstPath(
        identify(index, record(index, "map-value-1"), { full: true, depth: 30 }),
      );
      expect(full.length).toBeGreaterThan(folded.length);
      expect(full[0]).toMatch(/^internal '\d+' of \(array\) @\d+$/);
      expect(full[1]).toMatch(/^internal 'table' of Map @\d+$/);
    });

    it("renders a tree and marks shared holders", () => {
      const result = identify(index, record(index, "map-value-0"), { depth: 3, width: 2 });
      const text = renderIdentification(result);
      expect(text.split("\n")[0]).toBe(`${result.description} is:`);
      expect(text).toContain(`, which is:\n   └─ ${holding("sessions")}`);
    });
  });
}

describe("source locations out of node order", () => {
  it("are found by node index (the typed row table)", () => {
    const base = smallGraph(
      [0, 10, 20, 30],
      [
        [0, 1],
        [0, 2],
        [0, 3],
      ],
    );
    const graph = {
      ...base,
      locations: {
        node: Uint32Array.of(3, 1),
        scriptId: Uint32Array.of(9, 8),
        line: Uint32Array.of(30, 10),
        column: Uint32Array.of(3, 1),
      },
    };
    expect(sourceLocation(graph, 1)).toEqual({ script: "script 8", line: 11, column: 2 });
    expect(sourceLocation(graph, 3)).toEqual({ script: "script 9", line: 31, column: 4 });
    expect(sourceLocation(graph, 2)).toBeNull();
    expect(sourceLocation(graph, 0)).toBeNull();
  });
});

describe("a graph whose strings are made when first read", () => {
  it("identifies an object with many referrers without making them", () => {
    // 70,000 holders share one object: from 65,536 referrers on, queries may read whole columns.
    const holders = 70_000;
    const sizes = Array.from({ length: holders + 2 }, () => 8);
    const edges: SmallEdge[] = [];
    for (let h = 2; h < holders + 2; h++)
      edges.push([0, h, "element", "x"], [h, 1, "property", "p"]);
    const plain = smallGraph(sizes, edges);
    const strings = plain.strings;
    const lazy = lazyStrings({
      lengths: Uint32Array.from(strings, (text) => text.length),
      firstOf: Uint32Array.of(0, strings.length),
      text: () => strings.join(""),
    });
    const graph: HeapGraph = {
      ...plain,
      get strings() {
        return lazy.all();
      },
    };
    Object.defineProperty(graph, "lazyStrings", { value: lazy });
    const text = (index: HeapIndexes) => renderIdentification(identify(index, 1, { width: 3 }));
    expect(text(indexHeap(graph))).toBe(text(indexHeap(plain)));
    expect(lazy.materialized).toBe(false);
  });
});

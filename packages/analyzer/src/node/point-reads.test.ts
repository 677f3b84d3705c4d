import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LEAVES_PROGRAM, takeSnapshot } from "../../test/take-snapshot.js";
import { decodeCachedSnapshot } from "../cache/index-cache.js";
import { UNREACHABLE } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { inrefs, outrefs } from "../queries/edges.js";
import { identify } from "../queries/identify.js";
import { renderIdentification } from "../queries/render.js";
import { show } from "../queries/show.js";
import { indexCachePath, openIndexed, snapshotCacheKey } from "./cache.js";
import { openSnapshot } from "./open.js";
import { openSidecarFile } from "./sidecar-file.js";

// Point queries on a re-opened cache read through columns that load the pages they touch: a value
// read from a page not loaded would be a zero, and a wrong answer. So every answer here is
// compared with the same query on the graph read into memory.

describe("point queries on a re-opened cache", () => {
  const file = takeSnapshot(`${LEAVES_PROGRAM}
    const { EventEmitter } = await import("node:events");
    class SessionRecord { constructor(tag) { this.tag = tag; } }
    const bus = new EventEmitter();
    bus.on("change", function onChange() { return globalThis.byName; });
    globalThis.sessions = new Map([["k", new SessionRecord("a value")]]);
    setInterval(function tick() { return bus; }, 1e6).unref();
  `);
  afterAll(() => rmSync(dirname(file), { recursive: true, force: true }));

  it("load a fraction of the sidecar, and answer as the graph in memory does", async () => {
    const read = await openSnapshot(file);
    const inMemory = indexHeap(read);
    expect((await openIndexed(file)).cache).toBe("written");
    const source = openSidecarFile(indexCachePath(file))!;
    const cached = decodeCachedSnapshot(source, await snapshotCacheKey(file), file)!;
    const { loaded } = source.pages!;
    const loadedPages = () => loaded.reduce((sum, flag) => sum + flag, 0);
    expect(loaded.length).toBeGreaterThan(50);

    // Every 97th reachable node, and every named one the program made.
    const named = new Set(["SessionRecord", "onChange", "tick", "Leaf", "Map", "EventEmitter"]);
    const nodes: number[] = [];
    for (let n = 0; n < read.nodeCount; n++) {
      if (inMemory.distance[n] === UNREACHABLE) continue;
      if (n % 97 === 0 || (named.has(read.strings[read.nodeName[n]!]!) && n % 13 === 0))
        nodes.push(n);
    }
    expect(nodes.length).toBeGreaterThan(100);

    const text = (indexes: typeof inMemory, node: number) =>
      renderIdentification(identify(indexes, node));
    expect(cached.indexes.nodeIndexOf(read.nodeId[nodes[1]!]!)).toBe(nodes[1]);
    expect(text(cached.indexes, nodes[1]!)).toBe(text(inMemory, nodes[1]!));
    expect(loadedPages()).toBeLessThan(loaded.length / 4);

    for (const node of nodes) {
      expect(cached.indexes.nodeIndexOf(read.nodeId[node]!)).toBe(node);
      expect(text(cached.indexes, node)).toBe(text(inMemory, node));
      expect(show(cached.indexes, node)).toEqual(show(inMemory, node));
      expect(outrefs(cached.indexes, node)).toEqual(outrefs(inMemory, node));
      expect(inrefs(cached.indexes, node)).toEqual(inrefs(inMemory, node));
    }
    expect(cached.indexes.nodeIndexOf(2)).toBe(-1); // V8 ids are odd
    // Whole columns are still whole, read from the same pages.
    expect(cached.graph.edgeTarget).toEqual(read.edgeTarget);
    expect(cached.indexes.retainedSize).toEqual(inMemory.retainedSize);
  });
});

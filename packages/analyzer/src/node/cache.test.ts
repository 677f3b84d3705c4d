import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { takeSnapshot } from "../../test/take-snapshot.js";
import { indexHeap } from "../graph/indexes.js";
import { indexCachePath, openIndexed } from "./cache.js";

describe("the sidecar index cache", () => {
  it("is written on first open, read on the next, and ignored once the snapshot changes", async () => {
    const file = takeSnapshot(`
      globalThis.items = Array.from({ length: 2000 }, (_, i) => ({ i, name: "item " + i }));
    `);
    const first = await openIndexed(file);
    expect(first.cache).toBe("written");
    expect(existsSync(indexCachePath(file))).toBe(true);

    const second = await openIndexed(file);
    expect(second.cache).toBe("hit");
    const fresh = indexHeap(second.graph);
    expect(second.indexes.dominator).toEqual(fresh.dominator);
    expect(second.indexes.retainedSize).toEqual(fresh.retainedSize);
    expect(second.indexes.distance).toEqual(fresh.distance);
    expect(second.indexes.inrefs).toEqual(fresh.inrefs);
    expect(second.indexes.edgeStrength).toEqual(fresh.edgeStrength);

    // Same JSON, one more byte: another file as far as the cache is concerned.
    appendFileSync(file, "\n");
    expect((await openIndexed(file)).cache).toBe("written");
    expect((await openIndexed(file)).cache).toBe("hit");

    // A damaged cache is only a miss.
    writeFileSync(indexCachePath(file), "garbage");
    expect((await openIndexed(file)).cache).toBe("written");
  });
});

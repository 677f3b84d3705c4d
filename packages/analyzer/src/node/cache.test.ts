import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { convertFile } from "@heapmat/dumper";
import { afterAll, describe, expect, it } from "vitest";
import { takeSnapshot as takeSnapshotIn } from "../../test/take-snapshot.js";
import { indexHeap } from "../graph/indexes.js";
import { indexCachePath, openIndexed } from "./cache.js";
import { openSnapshot } from "./open.js";

// Each snapshot sits in a temp folder of its own, removed after the tests.
const folders: string[] = [];
const takeSnapshot: typeof takeSnapshotIn = (program, options) => {
  const file = takeSnapshotIn(program, options);
  folders.push(dirname(file));
  return file;
};

describe("the sidecar index cache", () => {
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

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

  it("reads the columns from the sidecar it opened, even once it is replaced", async () => {
    const file = takeSnapshot(`globalThis.kept = Array.from({ length: 3000 }, (_, i) => [i]);`);
    const read = await openSnapshot(file);
    const fresh = indexHeap(read);
    expect((await openIndexed(file)).cache).toBe("written");
    const sidecar = indexCachePath(file);

    // Another process rewrites the sidecar (a temp file renamed over it): the graph opened
    // before keeps reading the one it opened.
    const before = await openIndexed(file);
    expect(before.cache).toBe("hit");
    writeFileSync(`${sidecar}.new`, "not a cache");
    renameSync(`${sidecar}.new`, sidecar);
    expect(before.graph.edgeTarget).toEqual(read.edgeTarget);
    expect(before.indexes.retainedSize).toEqual(fresh.retainedSize);
    expect((await openIndexed(file)).cache).toBe("written");
  });

  it("re-opens the graph from the cache alone, without reading the snapshot", async () => {
    const file = takeSnapshot(
      `globalThis.items = Array.from({ length: 20000 }, (_, i) => ({ i, name: "item " + i }));`,
      { nodeArgs: ["--track-heap-objects"] },
    );
    const read = await openSnapshot(file);
    // A whole-second mtime, so that it can be put back exactly.
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect((await openIndexed(file)).cache).toBe("written");
    // Damage the middle of the snapshot, past the key's hashed first and last MiB, keeping its
    // size and mtime: only a reader that parses the snapshot would notice.
    const { size } = statSync(file);
    expect(size).toBeGreaterThan(3 << 20);
    const fd = openSync(file, "r+");
    writeSync(fd, "\0\0garbage\0\0", Math.floor(size / 2));
    closeSync(fd);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    await expect(openSnapshot(file)).rejects.toThrow();

    const reopened = await openIndexed(file);
    expect(reopened.cache).toBe("hit");
    expect(reopened.graph).toEqual(read);
    expect(reopened.graph.trace).not.toBeNull();
    expect(reopened.indexes.retainedSize).toEqual(indexHeap(read).retainedSize);
  });

  it("re-opens a .hmat with its dump info and every column as read", async () => {
    const v8File = takeSnapshot(`globalThis.kept = new Map([["a", { b: "naïve 文字" }]]);`);
    const file = `${v8File}.hmat`;
    await convertFile(v8File, file);
    const read = await openSnapshot(file);
    expect((await openIndexed(file)).cache).toBe("written");
    const reopened = await openIndexed(file);
    expect(reopened.cache).toBe("hit");
    expect(reopened.graph.info.format).toBe("hmat");
    expect(reopened.graph).toEqual(read);
  });
});

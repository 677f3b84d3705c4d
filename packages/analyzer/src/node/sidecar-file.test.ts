import { randomFillSync } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import type { PackedSource } from "../cache/aligned-columns.js";
import { SnapshotReadError } from "../readers/source.js";
import { closeSidecarFile, openSidecarFile } from "./sidecar-file.js";

// Byte by byte, vitest's toEqual would take seconds on megabytes.
const same = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

describe("the sidecar file", () => {
  const folder = mkdtempSync(join(tmpdir(), "heapmat-sidecar-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  // 145 pages of 64 KiB, the last one short.
  const content = randomFillSync(new Uint8Array((9 << 20) + 5));
  let files = 0;
  const write = () => {
    const path = join(folder, `${files++}.hmidx`);
    writeFileSync(path, content);
    return path;
  };
  const loadedPages = (source: PackedSource) => source.pages!.loaded.reduce((n, f) => n + f, 0);

  it("reads each page when first asked for, from the file it opened", () => {
    const path = write();
    const source = openSidecarFile(path)!;
    expect(source.size).toBe(content.byteLength);
    expect(same(source.bytes(5 << 20, 100), content.subarray(5 << 20, (5 << 20) + 100))).toBe(true);
    expect(loadedPages(source)).toBe(1);
    expect(same(source.bytes(4 << 20, 4 << 20), content.subarray(4 << 20, 8 << 20))).toBe(true);
    expect(loadedPages(source)).toBe(64);
    // Cut short after opening: what was read stays, what was not names the file and offset.
    truncateSync(path, 1 << 20);
    expect(same(source.bytes(4 << 20, 4 << 20), content.subarray(4 << 20, 8 << 20))).toBe(true);
    expect(same(source.bytes(0, 10), content.subarray(0, 10))).toBe(true);
    expect(() => source.bytes((1 << 20) - 10, 20)).toThrow(SnapshotReadError);
    expect(() => source.bytes((1 << 20) - 10, 20)).toThrow(`${path}: at byte ${1 << 20}: expected`);
    expect(() => source.bytes(content.byteLength - 2, 3)).toThrow(SnapshotReadError);
    closeSidecarFile(source);
  });

  it("loads single pages for point reads, on this thread", () => {
    const source = openSidecarFile(write())!;
    const { all, loaded, shift, load } = source.pages!;
    load(100, 101);
    expect(loaded[100]).toBe(1);
    expect(loadedPages(source)).toBe(1);
    const page = (n: number) => all.subarray(n << shift, (n + 1) << shift);
    expect(same(page(100), content.subarray(100 << shift, 101 << shift))).toBe(true);
    expect(page(99).every((byte) => byte === 0)).toBe(true);
    closeSidecarFile(source);
  });

  it("reads big ranges on two threads, to the same bytes and the same errors", () => {
    // The worker runs the built thread file (turbo builds before the tests).
    const thread = new URL("../../dist/node/sidecar-thread.js", import.meta.url);
    const path = write();
    const source = openSidecarFile(path, { thread, twoThreadsMinBytes: 0 })!;
    expect(same(source.bytes(0, content.byteLength), content)).toBe(true);
    closeSidecarFile(source);

    const cut = write();
    const reference = openSidecarFile(cut)!;
    const threaded = openSidecarFile(cut, { thread, twoThreadsMinBytes: 0 })!;
    truncateSync(cut, (6 << 20) + 3);
    const error = (read: () => unknown) => {
      try {
        read();
      } catch (e) {
        return e;
      }
      return null;
    };
    const expected = error(() => reference.bytes(0, content.byteLength));
    expect(expected).toBeInstanceOf(SnapshotReadError);
    expect(error(() => threaded.bytes(0, content.byteLength))).toEqual(expected);
    // What was complete is there.
    expect(same(threaded.bytes(0, 6 << 20), content.subarray(0, 6 << 20))).toBe(true);
    closeSidecarFile(reference);
    closeSidecarFile(threaded);
  });

  it("has the second thread read the pages asked for, those not read yet, and nothing else", async () => {
    const thread = new URL("../../dist/node/sidecar-thread.js", import.meta.url);
    const fd = openSync(write(), "r");
    const pages = Math.ceil(content.byteLength / (64 << 10));
    const shared = {
      fd,
      all: new Uint8Array(new SharedArrayBuffer(content.byteLength)),
      loaded: new Uint8Array(new SharedArrayBuffer(pages)),
      requests: new Int32Array(new SharedArrayBuffer(12)),
    };
    // Page 70 is flagged as read already (by the main thread, say): it must be left alone.
    shared.loaded[70] = 1;
    const worker = new Worker(thread, { workerData: shared });
    try {
      shared.requests.set([1, 64, 100]);
      Atomics.notify(shared.requests, 0);
      for (let waited = 0; shared.loaded[99] === 0 && waited < 100; waited++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      // Time to read more, unasked, if it did.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const flagged = [...shared.loaded].flatMap((flag, page) => (flag ? [page] : []));
      expect(flagged).toEqual(Array.from({ length: 36 }, (_, i) => 64 + i));
      const bytes = (from: number, to: number) => [from << 16, to << 16] as const;
      const same64 = (from: number, to: number) =>
        same(shared.all.subarray(...bytes(from, to)), content.subarray(...bytes(from, to)));
      expect(same64(64, 70) && same64(71, 100)).toBe(true);
      expect(shared.all.subarray(...bytes(70, 71)).every((byte) => byte === 0)).toBe(true);
      expect(shared.all.subarray(...bytes(100, pages)).every((byte) => byte === 0)).toBe(true);
    } finally {
      await worker.terminate();
      closeSync(fd);
    }
  });

  it("is null when the file cannot be opened", () => {
    expect(openSidecarFile(join(folder, "missing.hmidx"))).toBeNull();
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { convertFile } from "@heapmat/dumper";
import { describe, expect, it } from "vitest";
import { takeSnapshot } from "../../test/take-snapshot.js";
import { SnapshotReadError } from "../readers/source.js";
import { fileSource, openSnapshot } from "./open.js";

const dir = mkdtempSync(join(tmpdir(), "heapmat-open-"));

describe("fileSource", () => {
  it("yields the file's bytes in order, over several chunks", async () => {
    const file = join(dir, "bytes.bin");
    const bytes = new Uint8Array(3 * (1 << 20) + 12345).map((_, i) => (i * 7) & 0xff);
    writeFileSync(file, bytes);
    const source = await fileSource(file);
    expect(source.size).toBe(bytes.length);
    const parts: Uint8Array[] = [];
    for await (const chunk of source.chunks()) parts.push(chunk);
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });
});

describe("openSnapshot", () => {
  it("turns a missing file into a SnapshotReadError naming it", async () => {
    const missing = join(dir, "missing.heapsnapshot");
    const error = await openSnapshot(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotReadError);
    expect((error as SnapshotReadError).message).toContain(missing);
    expect((error as SnapshotReadError).expected).toContain("no such file");
  });

  it("turns a directory into a SnapshotReadError", async () => {
    const error = await openSnapshot(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotReadError);
  });

  it("refuses an unknown format at offset 0", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "just some notes\n");
    const error = (await openSnapshot(file).catch((e: unknown) => e)) as SnapshotReadError;
    expect(error).toBeInstanceOf(SnapshotReadError);
    expect(error.offset).toBe(0);
  });

  it("picks the reader from the first bytes: .heapsnapshot, .hmat, and both gzip'd", async () => {
    const v8File = takeSnapshot(
      "globalThis.keep = Array.from({ length: 1000 }, (_, i) => ({ i }));",
    );
    const hmatFile = join(dir, "heap.hmat");
    await convertFile(v8File, hmatFile);
    const reference = await openSnapshot(v8File);
    for (const file of [v8File, hmatFile]) {
      const zipped = `${file}.gz`;
      writeFileSync(zipped, gzipSync(readFileSync(file)));
      for (const path of [file, zipped]) {
        const graph = await openSnapshot(path);
        expect(graph.info.format).toBe(file === hmatFile ? "hmat" : "heapsnapshot");
        expect(graph.nodeCount).toBe(reference.nodeCount);
        expect(graph.edgeCount).toBe(reference.edgeCount);
      }
    }
  });
});

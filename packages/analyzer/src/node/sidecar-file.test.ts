import { randomFillSync } from "node:crypto";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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
  // Three chunks of 4 MiB, the last one short.
  const content = randomFillSync(new Uint8Array((9 << 20) + 5));
  let files = 0;
  const write = () => {
    const path = join(folder, `${files++}.hmidx`);
    writeFileSync(path, content);
    return path;
  };

  it("reads each chunk when first asked for, from the file it opened", () => {
    const path = write();
    const source = openSidecarFile(path)!;
    expect(source.size).toBe(content.byteLength);
    expect(same(source.bytes(5 << 20, 100), content.subarray(5 << 20, (5 << 20) + 100))).toBe(true);
    // Cut short after opening: what was read stays, what was not names the file and offset.
    truncateSync(path, 1 << 20);
    expect(same(source.bytes(4 << 20, 4 << 20), content.subarray(4 << 20, 8 << 20))).toBe(true);
    expect(() => source.bytes(0, 10)).toThrow(SnapshotReadError);
    expect(() => source.bytes(0, 10)).toThrow(`${path}: at byte ${1 << 20}: expected`);
    expect(() => source.bytes(content.byteLength - 2, 3)).toThrow(SnapshotReadError);
    closeSidecarFile(source);
  });

  it("is null when the file cannot be opened", () => {
    expect(openSidecarFile(join(folder, "missing.hmidx"))).toBeNull();
  });
});

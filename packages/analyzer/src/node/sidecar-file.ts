import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { PackedSource } from "../cache/aligned-columns.js";
import { SnapshotReadError } from "../readers/source.js";

// The sidecar as a PackedSource: its bytes in one ArrayBuffer of the file's size, filled in chunks
// of 4 MiB, each when a column in it is first asked for. One buffer, not one per column: its pages
// cost nothing until they are filled, and it is one allocation (V8 runs a garbage collection for
// each large one).
//
// The file descriptor, not the path, is kept: a sidecar replaced meanwhile (another process
// renames a new one over it) cannot mix two versions in one graph. It is closed once nothing can
// read from the source any more.

const CHUNK = 4 << 20;

/** Opens a sidecar file, or returns null when it cannot be opened. */
export function openSidecarFile(path: string): PackedSource | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  const size = fstatSync(fd).size;
  let all: Uint8Array;
  try {
    all = new Uint8Array(size);
  } catch {
    // Over 4 GiB (V8's limit for one typed array): no cache rather than no snapshot.
    close(fd);
    return null;
  }
  const loaded = new Uint8Array(Math.ceil(size / CHUNK));

  const source: PackedSource = {
    name: path,
    size,
    bytes(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size)
        throw new SnapshotReadError(path, offset, `${length} bytes`, true);
      for (let c = Math.floor(offset / CHUNK); c * CHUNK < offset + length; c++) {
        if (loaded[c]) continue;
        readChunk(fd, all, c, path);
        loaded[c] = 1;
      }
      return all.subarray(offset, offset + length);
    },
  };
  fds.set(source, fd);
  closeWhenUnreachable.register(source, fd, source);
  return source;
}

/** Closes a source's file now: for a cache found stale or damaged. */
export function closeSidecarFile(source: PackedSource): void {
  const fd = fds.get(source);
  if (fd === undefined) return;
  fds.delete(source);
  closeWhenUnreachable.unregister(source);
  close(fd);
}

const fds = new WeakMap<PackedSource, number>();
const closeWhenUnreachable = new FinalizationRegistry<number>(close);

function close(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

function readChunk(fd: number, all: Uint8Array, chunk: number, path: string): void {
  const end = Math.min(all.byteLength, (chunk + 1) * CHUNK);
  for (let at = chunk * CHUNK; at < end; ) {
    const read = readSync(fd, all, at, end - at, at);
    if (read === 0) throw new SnapshotReadError(path, at, `${end - at} more bytes`, true);
    at += read;
  }
}

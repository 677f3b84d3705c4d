import { readSync } from "node:fs";
import { SnapshotReadError } from "../readers/source.js";

// A sidecar's chunks, read by either of its threads (sidecar-file.ts, sidecar-thread.ts). A module
// of its own so that the thread's build entry does not pull in the rest of the sidecar's code.

export const CHUNK = 4 << 20;

/** Reads chunk `chunk` of the file into `all`, or throws a SnapshotReadError naming where. */
export function readChunk(fd: number, all: Uint8Array, chunk: number, path: string): void {
  const end = Math.min(all.byteLength, (chunk + 1) * CHUNK);
  for (let at = chunk * CHUNK; at < end; ) {
    const read = readSync(fd, all, at, end - at, at);
    if (read === 0) throw new SnapshotReadError(path, at, `${end - at} more bytes`, true);
    at += read;
  }
}

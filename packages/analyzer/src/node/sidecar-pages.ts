import { readSync } from "node:fs";
import { SnapshotReadError } from "../readers/source.js";

// A sidecar's pages, read by either of its threads (sidecar-file.ts, sidecar-thread.ts). A module
// of its own so that the thread's build entry does not pull in the rest of the sidecar's code.
//
// Pages are 64 KiB, each flagged when loaded: small enough that a point query (identify) loads
// little more than it reads. Runs of pages not loaded yet are read in one call of up to 4 MiB.

export const PAGE_SHIFT = 16;
export const PAGE = 1 << PAGE_SHIFT;
export const RUN_PAGES = 64;

/**
 * Reads the pages in from..to-1 that `loaded` does not flag, upward, and flags them; stops before
 * a run when `goOn()` turns false. Throws a SnapshotReadError naming where the file ends.
 */
export function loadPages(
  fd: number,
  all: Uint8Array,
  loaded: Uint8Array,
  from: number,
  to: number,
  path: string,
  goOn: () => boolean = () => true,
): void {
  for (let page = from; page < to && goOn(); ) {
    if (Atomics.load(loaded, page)) {
      page++;
      continue;
    }
    let end = page + 1;
    while (end < to && end - page < RUN_PAGES && !Atomics.load(loaded, end)) end++;
    readBytes(fd, all, page * PAGE, Math.min(all.byteLength, end * PAGE), path);
    // After the bytes: whoever sees the flag sees them.
    for (; page < end; page++) Atomics.store(loaded, page, 1);
  }
}

function readBytes(fd: number, all: Uint8Array, from: number, to: number, path: string): void {
  for (let at = from; at < to; ) {
    const read = readSync(fd, all, at, to - at, at);
    // To the end of the file, not of the run: the same error whichever thread reads it.
    if (read === 0)
      throw new SnapshotReadError(path, at, `${all.byteLength - at} more bytes`, true);
    at += read;
  }
}

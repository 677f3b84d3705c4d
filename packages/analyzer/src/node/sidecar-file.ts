import { closeSync, fstatSync, openSync } from "node:fs";
import type { PackedSource } from "../cache/aligned-columns.js";
import { SnapshotReadError } from "../readers/source.js";
import { loadPages, PAGE, PAGE_SHIFT, RUN_PAGES } from "./sidecar-pages.js";
import { isBuilt, startThread } from "./threads.js";

// The sidecar as a PackedSource: its bytes in one ArrayBuffer of the file's size, filled in pages
// of 64 KiB (sidecar-pages.ts), each when a column in it is first asked for, or, for point reads,
// when one of its values is (`pages`). One buffer, not one per column: its memory costs nothing
// until it is filled, and it is one allocation (V8 runs a garbage collection for each large one).
//
// Filling is bound by first writes to fresh memory, which two threads do nearly twice as fast as
// one: for a big sidecar, a second thread (sidecar-thread.ts) reads the upper half of each range
// of 8 MiB or more asked for, upward, into the same buffer, shared, while this one reads the lower
// half, then the upper half downward until they meet. Nothing is read unasked: memory never filled
// costs nothing, not even at exit. Pages are flagged as loaded in shared memory; one read by both
// (where they meet) gets the same bytes twice. A thread that fails only leaves more to do here.
//
// The file descriptor, not the path, is kept: a sidecar replaced meanwhile (another process
// renames a new one over it) cannot mix two versions in one graph. It is closed once nothing can
// read from the source any more.

export interface SidecarFileOptions {
  /** From this size on, a second thread reads half of what is asked for. Default 64 MiB. */
  twoThreadsMinBytes?: number;
  /** The second thread's built file (tests point at the build). */
  thread?: URL;
}

/** Opens a sidecar file, or returns null when it cannot be opened. */
export function openSidecarFile(
  path: string,
  options: SidecarFileOptions = {},
): PackedSource | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  const size = fstatSync(fd).size;
  // Pages are numbered in 32-bit arithmetic, and V8 before Node 22 makes no typed array over
  // 4 GiB: no cache rather than no snapshot.
  if (size >= 2 ** 32) {
    close(fd);
    return null;
  }
  const thread = options.thread ?? new URL("./sidecar-thread.js", import.meta.url);
  const twoThreads = size >= (options.twoThreadsMinBytes ?? 64 << 20) && isBuilt(thread);
  let all: Uint8Array;
  try {
    all = new Uint8Array(twoThreads ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
  } catch {
    close(fd); // out of memory
    return null;
  }
  const pageCount = Math.ceil(size / PAGE);
  const loaded = new Uint8Array(
    twoThreads ? new SharedArrayBuffer(pageCount) : new ArrayBuffer(pageCount),
  );
  const helper = twoThreads ? startHelper(thread, { fd, all, loaded }) : null;
  const load = (from: number, to: number) => loadPages(fd, all, loaded, from, to, path);

  const source: PackedSource = {
    name: path,
    size,
    bytes(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size)
        throw new SnapshotReadError(path, offset, `${length} bytes`, true);
      const from = Math.floor(offset / PAGE);
      const to = Math.ceil((offset + length) / PAGE);
      if (helper && to - from >= 2 * RUN_PAGES) {
        const half = from + ((to - from) >> 1);
        helper.read(half, to);
        load(from, half);
        try {
          for (let end = to; end > half; end -= RUN_PAGES)
            load(Math.max(half, end - RUN_PAGES), end);
        } catch {
          // Upward, as on one thread, so the error names the first page that is short.
        }
      }
      load(from, to);
      return all.subarray(offset, offset + length);
    },
    pages: { all, shift: PAGE_SHIFT, loaded, load },
  };
  opened.set(source, { fd, helper });
  closeWhenUnreachable.register(source, { fd, helper }, source);
  return source;
}

/** Closes a source's file now: for a cache found stale or damaged. */
export function closeSidecarFile(source: PackedSource): void {
  const file = opened.get(source);
  if (!file) return;
  opened.delete(source);
  closeWhenUnreachable.unregister(source);
  closeFile(file);
}

interface OpenFile {
  fd: number;
  helper: Helper | null;
}

const opened = new WeakMap<PackedSource, OpenFile>();
const closeWhenUnreachable = new FinalizationRegistry<OpenFile>(closeFile);

function closeFile({ fd, helper }: OpenFile): void {
  helper?.stop();
  close(fd);
}

function close(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

/** What the second thread shares with this one: the file, the buffer, the pages loaded. */
export interface SidecarThreadInput {
  fd: number;
  all: Uint8Array;
  loaded: Uint8Array;
  /** [request number, from, to]: read pages from..to-1, those not loaded yet. */
  requests: Int32Array;
}

interface Helper {
  /** Asks for pages from..to-1, not waiting. */
  read(from: number, to: number): void;
  stop(): void;
}

function startHelper(file: URL, shared: Omit<SidecarThreadInput, "requests">): Helper | null {
  const requests = new Int32Array(new SharedArrayBuffer(12));
  let thread: ReturnType<typeof startThread>;
  try {
    thread = startThread<never>(file, { ...shared, requests }, "sidecar");
  } catch {
    return null;
  }
  const { worker, result } = thread;
  // Waiting for requests, it must not keep the process alive; its end tells nobody anything.
  worker.unref();
  result.catch(() => {});
  return {
    read(from, to) {
      requests[1] = from;
      requests[2] = to;
      Atomics.add(requests, 0, 1);
      Atomics.notify(requests, 0);
    },
    stop: () => void worker.terminate(),
  };
}

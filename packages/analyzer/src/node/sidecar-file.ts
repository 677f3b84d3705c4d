import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { ByteRange, PackedSource } from "../cache/aligned-columns.js";
import { SnapshotReadError } from "../readers/source.js";

// The sidecar as a PackedSource: its bytes in one SharedArrayBuffer, loaded in chunks of 4 MiB,
// each when first asked for, or ahead by a worker thread once the cache is known to be good. Both
// threads claim a chunk before reading it (an Atomics flag per chunk), so each chunk is read once;
// a column the main thread needs now is read at once, or waited for when the worker has it.
//
// The file descriptor, not the path, is kept: a sidecar replaced meanwhile (another process
// renames a new one over it) cannot mix two versions in one graph. It is closed, and the worker
// stopped, once nothing can read from the source any more.

const CHUNK = 4 << 20;
const PENDING = 0;
const READING = 1;
const DONE = 2;
const FAILED = 3;
// A 4 MiB read takes milliseconds: a chunk still being read after this, the worker is gone.
const STUCK_MS = 2000;

export interface SidecarOptions {
  /** Load the columns ahead on a worker thread (default); else each only when first used. */
  prefetch?: boolean;
}

/** Opens a sidecar file, or returns null when it cannot be opened. */
export function openSidecarFile(path: string, options: SidecarOptions = {}): PackedSource | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  const size = fstatSync(fd).size;
  const all = new Uint8Array(new SharedArrayBuffer(size));
  const state = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, Math.ceil(size / CHUNK))));
  const handle: Handle = { fd, worker: null };

  const load = (chunk: number) => {
    for (;;) {
      const was = Atomics.compareExchange(state, chunk, PENDING, READING);
      if (was === DONE) return;
      // The worker is reading it. Should the worker die meanwhile, read it here as well: the
      // same bytes, written twice.
      const stuck =
        was === READING && Atomics.wait(state, chunk, READING, STUCK_MS) === "timed-out";
      // The worker could not read it: read it here, and report why if it fails again.
      if (was === FAILED) Atomics.compareExchange(state, chunk, FAILED, PENDING);
      if (was !== PENDING && !stuck) continue;
      try {
        readChunk(fd, all, chunk, path);
      } catch (error) {
        if (!stuck) Atomics.store(state, chunk, PENDING);
        throw error;
      }
      Atomics.store(state, chunk, DONE);
      Atomics.notify(state, chunk);
      return;
    }
  };

  const source: PackedSource = {
    name: path,
    size,
    bytes(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size)
        throw new SnapshotReadError(path, offset, `${length} bytes`, true);
      for (let c = Math.floor(offset / CHUNK); c * CHUNK < offset + length; c++) load(c);
      return all.subarray(offset, offset + length);
    },
    prefetch(ranges) {
      if (options.prefetch === false || handle.worker) return;
      try {
        handle.worker = new Worker(WORKER, {
          eval: true,
          workerData: { fd, all, state, chunk: CHUNK, order: chunkOrder(ranges, size) },
        });
        // Loading ahead never keeps the process alive, and a failure only leaves it to `load`.
        handle.worker.unref();
        handle.worker.on("error", () => {});
        const worker = handle.worker;
        handle.loaded = new Promise((resolve) => worker.once("exit", () => resolve()));
      } catch {}
    },
  };
  handles.set(source, handle);
  closeWhenUnreachable.register(source, handle, source);
  return source;
}

/** Resolves once the source's worker has loaded what it was asked to (at once when it has none). */
export function prefetched(source: PackedSource): Promise<void> {
  const handle = handles.get(source);
  // Waited for, the worker keeps the process alive.
  handle?.worker?.ref();
  return handle?.loaded ?? Promise.resolve();
}

/** Closes a source's file now (and stops its worker): for a cache found stale or damaged. */
export function closeSidecarFile(source: PackedSource): void {
  const handle = handles.get(source);
  if (!handle) return;
  handles.delete(source);
  closeWhenUnreachable.unregister(source);
  close(handle);
}

interface Handle {
  fd: number;
  worker: Worker | null;
  /** Settles when the worker is gone. */
  loaded?: Promise<void>;
}

const handles = new WeakMap<PackedSource, Handle>();
const closeWhenUnreachable = new FinalizationRegistry<Handle>(close);

function close({ fd, worker }: Handle): void {
  const closeFd = () => {
    try {
      closeSync(fd);
    } catch {}
  };
  // The worker may be in the middle of a read with this fd: close it once the worker is gone.
  if (worker) worker.terminate().then(closeFd, closeFd);
  else closeFd();
}

function readChunk(fd: number, all: Uint8Array, chunk: number, path: string): void {
  const end = Math.min(all.byteLength, (chunk + 1) * CHUNK);
  for (let at = chunk * CHUNK; at < end; ) {
    const read = readSync(fd, all, at, end - at, at);
    if (read === 0) throw new SnapshotReadError(path, at, `${end - at} more bytes`, true);
    at += read;
  }
}

/** The chunks the ranges cover, in the ranges' order, each once. */
function chunkOrder(ranges: readonly ByteRange[], size: number): Int32Array {
  const seen = new Uint8Array(Math.ceil(size / CHUNK));
  const order: number[] = [];
  for (const [offset, length] of ranges)
    for (let c = Math.floor(offset / CHUNK); c * CHUNK < offset + length && c < seen.length; c++)
      if (!seen[c]) {
        seen[c] = 1;
        order.push(c);
      }
  return Int32Array.from(order);
}

// The worker: claims each chunk in order that nobody has claimed yet, and reads it.
const WORKER = `
const { readSync } = require("node:fs");
const { workerData } = require("node:worker_threads");
const { fd, all, state, chunk, order } = workerData;
for (const c of order) {
  if (Atomics.compareExchange(state, c, ${PENDING}, ${READING}) !== ${PENDING}) continue;
  let done = ${DONE};
  try {
    const end = Math.min(all.byteLength, (c + 1) * chunk);
    for (let at = c * chunk; at < end; ) {
      const read = readSync(fd, all, at, end - at, at);
      if (read === 0) throw new Error("short read");
      at += read;
    }
  } catch {
    done = ${FAILED};
  }
  Atomics.store(state, c, done);
  Atomics.notify(state, c);
}
`;

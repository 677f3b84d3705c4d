import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readSnapshot, sniffFormat } from "../readers/detect.js";
import {
  type EdgesElsewhere,
  type EdgesOutcome,
  readHeapSnapshot,
} from "../readers/heapsnapshot.js";
import { readHmat } from "../readers/hmat.js";
import type { HmatElsewhere, HmatOutcome } from "../readers/hmat-meet.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "../readers/source.js";
import type { EdgesThreadInput } from "./edges-thread.js";
import type { HmatThreadInput } from "./hmat-thread.js";
import { inflate } from "./inflate.js";
import { isBuilt, startThread } from "./threads.js";

const CHUNK = 1 << 20;

export interface FileSourceOptions {
  /**
   * Reuse two buffers instead of allocating one per chunk, so that a big file leaves no garbage
   * behind. Only for readers that never keep a chunk once they ask for the next one.
   */
  recycle?: boolean;
}

/**
 * A ByteSource over a file on disk. The next chunk is read while the reader parses the current
 * one, so the disk (or page cache copy) overlaps with parsing on another core.
 */
export async function fileSource(
  path: string,
  options: FileSourceOptions = {},
): Promise<ByteSource> {
  const { size } = await stat(path);
  return { name: path, size, chunks: () => fileChunks(path, 0, options) };
}

/** A file's bytes from `from` on, in chunks (see fileSource). */
async function* fileChunks(
  path: string,
  from: number,
  options: FileSourceOptions,
): AsyncGenerator<Uint8Array> {
  const file = await open(path, "r");
  const spare = options.recycle ? [new Uint8Array(CHUNK), new Uint8Array(CHUNK)] : null;
  let reads = 0;
  const readAt = async (position: number) => {
    // Fresh buffers unless recycling: readers may keep chunks they were given.
    const buffer = spare ? spare[reads++ & 1]! : new Uint8Array(CHUNK);
    const { bytesRead } = await file.read(buffer, 0, CHUNK, position);
    return buffer.subarray(0, bytesRead);
  };
  let position = from;
  let next: Promise<Uint8Array> | null = readAt(from);
  try {
    while (next) {
      const chunk: Uint8Array = await next;
      position += chunk.length;
      next = chunk.length > 0 ? readAt(position) : null;
      if (chunk.length > 0) yield chunk;
    }
  } finally {
    await next?.catch(() => {});
    await file.close();
  }
}

/** The first bytes of a file, to choose a reader. */
async function head(path: string): Promise<Uint8Array> {
  const file = await open(path, "r");
  try {
    const buffer = new Uint8Array(64);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export interface OpenOptions extends ReadOptions {
  /**
   * From this file size on, a second thread reads part of the file while this one reads the rest:
   * a plain .heapsnapshot's `edges` array (about 60% of it); a .hmat file's node blocks, then its
   * edge blocks, from the last one backward, until it meets this thread (reading ids only: the
   * node blocks). Default 64 MiB for a .heapsnapshot, 4 MiB for a .hmat (about the same heap).
   * Never when salvaging, nor for a .heapsnapshot's ids only (they come before its edges).
   */
  edgesThreadMinBytes?: number;
}

/** The default edgesThreadMinBytes of a .hmat file. */
const HMAT_EDGES_THREAD_MIN_BYTES = 4 << 20;

/**
 * Reads a snapshot file (.heapsnapshot, gzip'd or not, .hmat or .pmat: sniffed from its first
 * bytes) into a heap graph. A missing or unreadable file is a SnapshotReadError too.
 */
export async function openSnapshot(path: string, options: OpenOptions = {}): Promise<HeapGraph> {
  let source: ByteSource;
  let edgesElsewhere: EdgesThread | undefined;
  let hmatThread: HmatThread | undefined;
  const { edgesThreadMinBytes, ...readOptions } = options;
  try {
    const format = sniffFormat(await head(path));
    // The .heapsnapshot reader copies what it keeps, so its chunks can be recycled.
    const plainJson = format === "heapsnapshot";
    source = await fileSource(path, { recycle: plainJson });
    const minBytes = edgesThreadMinBytes ?? (plainJson ? 64 << 20 : HMAT_EDGES_THREAD_MIN_BYTES);
    const wanted = (source.size ?? 0) >= minBytes && !options.salvage;
    if (wanted && plainJson && !options.idsOnly) edgesElsewhere = edgesOnThread(path);
    if (wanted && format === "hmat") hmatThread = hmatOnThread(path);
  } catch (error) {
    hmatThread?.close();
    throw unreadable(path, error);
  }
  try {
    if (edgesElsewhere) return await readHeapSnapshot(source, readOptions, edgesElsewhere);
    if (hmatThread) return await readHmat(source, { inflate, ...readOptions }, hmatThread);
    return await readSnapshot(source, { inflate, ...readOptions });
  } catch (error) {
    if (error instanceof SnapshotReadError) throw error;
    if ((error as NodeJS.ErrnoException)?.code) throw unreadable(path, error);
    throw error;
  } finally {
    edgesElsewhere?.close();
    hmatThread?.close();
  }
}

/** HmatElsewhere on a worker thread; `close` ends the thread. */
export type HmatThread = HmatElsewhere & { close(): void };

/**
 * A .hmat file's last node and edge blocks decoded on a worker thread, when the thread's file is
 * built (in the sources, as under tests of the sources, there is none). The thread starts now, so
 * that its start-up overlaps the reading of the first sections, and gets a job at the first
 * section of each table.
 */
export function hmatOnThread(
  path: string,
  thread = new URL("./hmat-thread.js", import.meta.url),
): HmatThread | undefined {
  if (!isBuilt(thread)) return undefined;
  const workerData: HmatThreadInput = { file: path };
  const { worker, result } = startThread<HmatOutcome>(thread, workerData, "hmat");
  // Idle, it must not keep the process alive; given work, it must while the reader waits.
  worker.unref();
  const close = () => void worker.terminate();
  // One outcome per job, in order; the thread's end (an error, an exit) fails those waiting.
  const waiting: Array<(outcome: HmatOutcome) => void> = [];
  worker.on("message", (outcome: HmatOutcome) => {
    waiting.shift()?.(outcome);
    if (waiting.length === 0) worker.unref();
  });
  const ended = new Promise<never>((_, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the hmat thread exited (${code})`)));
  });
  ended.catch(() => {});
  result.catch(() => {});
  return {
    start(job) {
      worker.ref();
      worker.postMessage(job);
      const outcome = new Promise<HmatOutcome>((resolve) => waiting.push(resolve));
      const done = Promise.race([outcome, ended]);
      done.catch(() => {});
      return { done, cancel: close };
    },
    close,
  };
}

/** EdgesElsewhere on a worker thread; `close` ends the thread if it was never given the work. */
export type EdgesThread = EdgesElsewhere & { close(): void };

/**
 * The edges array parsed on a worker thread, when the thread's file is built (in the sources, as
 * under tests of the sources, there is none) and the file's top level is laid out as V8 writes it.
 * The thread starts before the file is searched, so that its start-up overlaps the search.
 */
export function edgesOnThread(
  path: string,
  thread = new URL("./edges-thread.js", import.meta.url),
): EdgesThread | undefined {
  if (!isBuilt(thread)) return undefined;
  const workerData: EdgesThreadInput = { file: path };
  const { worker, result: outcome } = startThread<EdgesOutcome>(thread, workerData, "edges");
  // Idle, it must not keep the process alive; given work, it must while the reader waits.
  worker.unref();
  const close = () => void worker.terminate();
  // Work cancelled or never given ends in the exit's rejection, which nobody awaits.
  outcome.catch(() => {});
  let layout: ReturnType<typeof findNodesAndEdges> = null;
  try {
    layout = findNodesAndEdges(path);
  } catch (error) {
    close();
    throw error;
  }
  if (!layout) {
    close();
    return undefined;
  }
  return {
    ...layout,
    start(job) {
      worker.ref();
      worker.postMessage(job);
      const done = outcome.finally(close);
      done.catch(() => {});
      return { done, cancel: close };
    },
    indexOf: (b, byte, from) => Buffer.from(b.buffer, b.byteOffset, b.length).indexOf(byte, from),
    bytesFrom: (offset) => fileChunks(path, offset, { recycle: true }),
    close,
  };
}

/**
 * Where the ':' after the top-level "nodes" and "edges" keys are, as V8 writes a snapshot: the
 * header (which never holds the string "nodes"), then `"nodes":[digits, commas, whitespace]`,
 * then `,"edges":`. The nodes array holds no ']', so the first one closes it. Null when the file
 * is laid out otherwise (the reader then parses the edges itself, and checks "nodes" anyway).
 *
 * The nodes take at least two bytes per number (a digit, a comma), so the search for the ']' starts
 * that far in, as the header's node count and fields say: more than half of the nodes' bytes are
 * not read (at 20M nodes, about 280 MB, which this thread read before any parsing began). Should
 * the header overstate the count, nothing is found there, and the search starts over.
 *
 * And, when found, the edges' ']': V8 writes `],"trace_function_infos":` after them, and that key
 * can only be the top level's, since a quote inside a JSON string is escaped. It is searched from
 * the file's end, over the smaller tables that follow the edges.
 */
function findNodesAndEdges(
  path: string,
): Pick<EdgesElsewhere, "nodesColon" | "edgesColon" | "edgesEnd"> | null {
  const fd = openSync(path, "r");
  try {
    const nodesKey = search(fd, Buffer.from('"nodes"'), 0);
    const nodesColon = nodesKey < 0 ? -1 : after(fd, nodesKey + 7, ":");
    const edgesColonFrom = (from: number) => {
      const close = search(fd, Buffer.from("]"), from);
      const comma = close < 0 ? -1 : after(fd, close + 1, ",");
      const edgesKey = comma < 0 ? -1 : after(fd, comma + 1, '"edges"');
      return edgesKey < 0 ? -1 : after(fd, edgesKey + 7, ":");
    };
    let edgesColon = -1;
    if (nodesColon >= 0) {
      const shortest = shortestNodes(fd, nodesKey);
      if (shortest > 0) edgesColon = edgesColonFrom(nodesColon + shortest);
      if (edgesColon < 0) edgesColon = edgesColonFrom(nodesColon);
    }
    if (edgesColon < 0) return null;
    // Only in the second half of what follows: past it, the jump would save less than the search.
    const size = fstatSync(fd).size;
    const half = edgesColon + Math.floor((size - edgesColon) / 2);
    const nextKey = searchBack(fd, Buffer.from('"trace_function_infos":'), half, size);
    const nextComma = nextKey < 0 ? -1 : before(fd, nextKey, ",");
    const edgesEnd = nextComma < 0 ? -1 : before(fd, nextComma, "]");
    return { nodesColon, edgesColon, ...(edgesEnd > edgesColon && { edgesEnd }) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The fewest bytes the nodes array can take, by the header before the "nodes" key (`node_count`
 * rows of `meta.node_fields` numbers, each a digit and a separator), short of its last byte and
 * its ']'; 0 when the header does not say.
 */
function shortestNodes(fd: number, nodesKey: number): number {
  const header = Buffer.alloc(Math.min(nodesKey, 1 << 16));
  const text = header.toString("latin1", 0, readSync(fd, header, 0, header.length, 0));
  const count = /"node_count"\s*:\s*(\d+)/.exec(text);
  const fields = /"node_fields"\s*:\s*\[([^\]]*)\]/.exec(text);
  if (!count || !fields) return 0;
  return Math.max(0, Number(count[1]) * fields[1]!.split(",").length * 2 - 2);
}

/** The offset of `needle`'s first occurrence from `from` on, or -1. */
function search(fd: number, needle: Buffer, from: number): number {
  const buffer = Buffer.allocUnsafe(SEARCH_CHUNK);
  for (let position = from; ; position += SEARCH_CHUNK - needle.length + 1) {
    const length = readSync(fd, buffer, 0, SEARCH_CHUNK, position);
    const at = buffer.subarray(0, length).indexOf(needle);
    if (at >= 0) return position + at;
    if (length < SEARCH_CHUNK) return -1;
  }
}

/** The offset of `needle`'s last occurrence in stop..size, searched from `size` down, or -1. */
function searchBack(fd: number, needle: Buffer, stop: number, size: number): number {
  const buffer = Buffer.allocUnsafe(SEARCH_CHUNK);
  for (let end = size; end - stop >= needle.length; end -= SEARCH_CHUNK - needle.length + 1) {
    const start = Math.max(stop, end - SEARCH_CHUNK);
    const length = readSync(fd, buffer, 0, end - start, start);
    const at = buffer.subarray(0, length).lastIndexOf(needle);
    if (at >= 0) return start + at;
    if (start === stop) return -1;
  }
  return -1;
}

/** The offset of the one-byte `token` before JSON whitespace before `at`, or -1. */
function before(fd: number, at: number, token: string): number {
  const buffer = Buffer.alloc(256);
  const start = Math.max(0, at - buffer.length);
  const length = readSync(fd, buffer, 0, at - start, start);
  let i = length - 1;
  while (
    i >= 0 &&
    (buffer[i] === 0x20 || buffer[i] === 0x0a || buffer[i] === 0x0d || buffer[i] === 0x09)
  )
    i--;
  return i >= 0 && buffer[i] === token.charCodeAt(0) ? start + i : -1;
}

/** The offset of `token` after JSON whitespace from `from` on, or -1 when something else is there. */
function after(fd: number, from: number, token: string): number {
  const buffer = Buffer.alloc(256);
  const length = readSync(fd, buffer, 0, buffer.length, from);
  let i = 0;
  while (
    i < length &&
    (buffer[i] === 0x20 || buffer[i] === 0x0a || buffer[i] === 0x0d || buffer[i] === 0x09)
  )
    i++;
  return buffer.toString("latin1", i, i + token.length) === token ? from + i : -1;
}

const SEARCH_CHUNK = 4 << 20;

function unreadable(path: string, error: unknown): SnapshotReadError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code === "ENOENT" ? "no such file" : (error as Error)?.message || String(error);
  return new SnapshotReadError(path, 0, `a readable file (${reason})`);
}

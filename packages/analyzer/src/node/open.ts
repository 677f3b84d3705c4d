import { closeSync, openSync, readSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { inflateSync } from "node:zlib";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readSnapshot, sniffFormat } from "../readers/detect.js";
import {
  type EdgesElsewhere,
  type EdgesOutcome,
  readHeapSnapshot,
} from "../readers/heapsnapshot.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "../readers/source.js";
import type { EdgesThreadInput } from "./edges-thread.js";
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
  return {
    name: path,
    size,
    async *chunks() {
      const file = await open(path, "r");
      const spare = options.recycle ? [new Uint8Array(CHUNK), new Uint8Array(CHUNK)] : null;
      let reads = 0;
      const readAt = async (position: number) => {
        // Fresh buffers unless recycling: readers may keep chunks they were given.
        const buffer = spare ? spare[reads++ & 1]! : new Uint8Array(CHUNK);
        const { bytesRead } = await file.read(buffer, 0, CHUNK, position);
        return buffer.subarray(0, bytesRead);
      };
      let position = 0;
      let next: Promise<Uint8Array> | null = readAt(0);
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
    },
  };
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
   * From this size on, a plain .heapsnapshot's `edges` array (about 60% of it) is parsed on a
   * second thread while this one parses the rest. Default 64 MiB.
   */
  edgesThreadMinBytes?: number;
}

/**
 * Reads a snapshot file (.heapsnapshot, gzip'd or not, .hmat or .pmat: sniffed from its first
 * bytes) into a heap graph. A missing or unreadable file is a SnapshotReadError too.
 */
export async function openSnapshot(path: string, options: OpenOptions = {}): Promise<HeapGraph> {
  let source: ByteSource;
  let edgesElsewhere: EdgesThread | undefined;
  const { edgesThreadMinBytes = 64 << 20, ...readOptions } = options;
  try {
    // The .heapsnapshot reader copies what it keeps, so its chunks can be recycled.
    const plainJson = sniffFormat(await head(path)) === "heapsnapshot";
    source = await fileSource(path, { recycle: plainJson });
    const wanted = plainJson && (source.size ?? 0) >= edgesThreadMinBytes && !options.idsOnly;
    if (wanted && !options.salvage) edgesElsewhere = edgesOnThread(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    if (edgesElsewhere) return await readHeapSnapshot(source, readOptions, edgesElsewhere);
    return await readSnapshot(source, { inflate, ...readOptions });
  } catch (error) {
    if (error instanceof SnapshotReadError) throw error;
    if ((error as NodeJS.ErrnoException)?.code) throw unreadable(path, error);
    throw error;
  } finally {
    edgesElsewhere?.close();
  }
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
    close,
  };
}

/**
 * Where the ':' after the top-level "nodes" and "edges" keys are, as V8 writes a snapshot: the
 * header (which never holds the string "nodes"), then `"nodes":[digits, commas, whitespace]`,
 * then `,"edges":`. The nodes array holds no ']', so the first one closes it. Null when the file
 * is laid out otherwise (the reader then parses the edges itself, and checks "nodes" anyway).
 */
function findNodesAndEdges(path: string): { nodesColon: number; edgesColon: number } | null {
  const fd = openSync(path, "r");
  try {
    const nodesKey = search(fd, Buffer.from('"nodes"'), 0);
    const nodesColon = nodesKey < 0 ? -1 : after(fd, nodesKey + 7, ":");
    const close = nodesColon < 0 ? -1 : search(fd, Buffer.from("]"), nodesColon);
    const comma = close < 0 ? -1 : after(fd, close + 1, ",");
    const edgesKey = comma < 0 ? -1 : after(fd, comma + 1, '"edges"');
    const edgesColon = edgesKey < 0 ? -1 : after(fd, edgesKey + 7, ":");
    return edgesColon < 0 ? null : { nodesColon, edgesColon };
  } finally {
    closeSync(fd);
  }
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

/** Sections are a few MB inflated: a bigger stated length is not worth one buffer. */
const MAX_INFLATE_CHUNK = 8 << 20;

/**
 * node:zlib's synchronous inflate, its output in one buffer sized by the file's figure (no
 * joining of 16 KB pieces), within what a zlib stream can expand to (about 1032:1).
 */
function inflate(deflated: Uint8Array, inflatedLength: number): Uint8Array {
  const size = Math.min(inflatedLength, deflated.length * 1032 + 64, MAX_INFLATE_CHUNK);
  return inflateSync(deflated, { chunkSize: Math.max(64, size || 0) });
}

function unreadable(path: string, error: unknown): SnapshotReadError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code === "ENOENT" ? "no such file" : (error as Error)?.message || String(error);
  return new SnapshotReadError(path, 0, `a readable file (${reason})`);
}

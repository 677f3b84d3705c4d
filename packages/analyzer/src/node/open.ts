import { open, stat } from "node:fs/promises";
import { inflateSync } from "node:zlib";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readSnapshot, sniffFormat } from "../readers/detect.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "../readers/source.js";

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

/**
 * Reads a snapshot file (.heapsnapshot, gzip'd or not, .hmat or .pmat: sniffed from its first
 * bytes) into a heap graph. A missing or unreadable file is a SnapshotReadError too.
 */
export async function openSnapshot(path: string, options: ReadOptions = {}): Promise<HeapGraph> {
  let source: ByteSource;
  try {
    // The .heapsnapshot reader copies what it keeps, so its chunks can be recycled.
    source = await fileSource(path, { recycle: sniffFormat(await head(path)) === "heapsnapshot" });
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    return await readSnapshot(source, { inflate, ...options });
  } catch (error) {
    if (error instanceof SnapshotReadError) throw error;
    if ((error as NodeJS.ErrnoException)?.code) throw unreadable(path, error);
    throw error;
  }
}

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

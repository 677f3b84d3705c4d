import { open, stat } from "node:fs/promises";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readSnapshot } from "../readers/detect.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "../readers/source.js";

const CHUNK = 1 << 20;

/**
 * A ByteSource over a file on disk. The next chunk is read while the reader parses the current
 * one, so the disk (or page cache copy) overlaps with parsing on another core.
 */
export async function fileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    name: path,
    size,
    async *chunks() {
      const file = await open(path, "r");
      const readAt = async (position: number) => {
        // A fresh buffer per chunk: readers may keep chunks they were given.
        const buffer = new Uint8Array(CHUNK);
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

/**
 * Reads a snapshot file (.heapsnapshot, gzip'd or not, .hmat or .pmat: sniffed from its first
 * bytes) into a heap graph. A missing or unreadable file is a SnapshotReadError too.
 */
export async function openSnapshot(path: string, options: ReadOptions = {}): Promise<HeapGraph> {
  let source: ByteSource;
  try {
    source = await fileSource(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    return await readSnapshot(source, options);
  } catch (error) {
    if (error instanceof SnapshotReadError) throw error;
    if ((error as NodeJS.ErrnoException)?.code) throw unreadable(path, error);
    throw error;
  }
}

function unreadable(path: string, error: unknown): SnapshotReadError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code === "ENOENT" ? "no such file" : (error as Error)?.message || String(error);
  return new SnapshotReadError(path, 0, `a readable file (${reason})`);
}

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readHeapSnapshot } from "../readers/heapsnapshot.js";
import type { ByteSource, ReadOptions } from "../readers/source.js";

/** A ByteSource over a file on disk. */
export async function fileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    name: path,
    size,
    async *chunks() {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
        yield chunk as Buffer;
    },
  };
}

/** Reads a snapshot file of any supported format into a heap graph. */
export async function openSnapshot(path: string, options: ReadOptions = {}): Promise<HeapGraph> {
  return readHeapSnapshot(await fileSource(path), options);
}

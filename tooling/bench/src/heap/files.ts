import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

// Facts about the cached snapshot files: counts from the V8 JSON's header, and its gzip -6 size
// (the yardstick for the .hmat file's size), computed once per file and kept beside it.

export function snapshotCounts(file: string): { nodes: number; edges: number } {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(64 * 1024);
    const length = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, length).toString("latin1");
    const nodes = /"node_count":\s*(\d+)/.exec(text)?.[1];
    const edges = /"edge_count":\s*(\d+)/.exec(text)?.[1];
    if (!nodes || !edges)
      throw new Error(
        `${file}: at byte 0: expected a V8 heap snapshot header with node_count and edge_count`,
      );
    return { nodes: Number(nodes), edges: Number(edges) };
  } finally {
    closeSync(fd);
  }
}

export async function gzip6Size(file: string): Promise<number> {
  const { size, mtimeMs } = statSync(file);
  const memo = `${file}.gzip6.json`;
  if (existsSync(memo)) {
    const known = JSON.parse(readFileSync(memo, "utf8"));
    if (known.size === size && known.mtimeMs === mtimeMs) return known.gzipBytes;
  }
  let gzipBytes = 0;
  const count = new Writable({
    write(chunk: Buffer, _encoding, done) {
      gzipBytes += chunk.length;
      done();
    },
  });
  await pipeline(createReadStream(file), createGzip({ level: 6 }), count);
  writeFileSync(memo, JSON.stringify({ size, mtimeMs, gzipBytes }));
  return gzipBytes;
}

/**
 * The cache folder's files. The .hmat files made by heapmat's dumper are also keyed by a hash of
 * the dumper's build, `dumper`, so a change of its format never leaves stale files behind.
 */
export function cachePaths(dir: string, dumper: string) {
  return {
    heapsnapshot: join(dir, "heap.heapsnapshot"),
    /** The dumper's own dump of the program. */
    hmat: join(dir, "heap.hmat"),
    /** heap.heapsnapshot converted by `heapmat-dump convert`: the very same heap. */
    converted: join(dir, `heap.converted-${dumper}.hmat`),
    leakDir: (format: string) =>
      join(dir, format === "hmat" ? `leak-hmat-${dumper}` : `leak-${format}`),
  };
}

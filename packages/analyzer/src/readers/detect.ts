// Which reader a snapshot needs, from its first bytes; and the one entry point that dispatches.

import { HMAT_MAGIC } from "@heapmat/dumper/format";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readHeapSnapshot } from "./heapsnapshot.js";
import { readHmat } from "./hmat.js";
import { readPmat } from "./pmat.js";
import {
  type ByteSource,
  gunzipSource,
  isGzip,
  Progress,
  peekSource,
  type ReadOptions,
  SnapshotReadError,
} from "./source.js";

export type SnapshotFormat = "heapsnapshot" | "hmat" | "pmat";

type Reader = (source: ByteSource, options?: ReadOptions) => Promise<HeapGraph>;

const READERS: Record<SnapshotFormat, Reader> = {
  heapsnapshot: readHeapSnapshot,
  hmat: readHmat,
  pmat: readPmat,
};

const PMAT_MAGIC = "PMAT";
const EXPECTED =
  "a heap snapshot: .heapsnapshot JSON ('{'), gzip, .hmat ('HMAT') or .pmat ('PMAT')";
const HEAD = 64;

/** The format that bytes starting a file are in: "gzip" means look again inside; null: unknown. */
export function sniffFormat(head: Uint8Array): SnapshotFormat | "gzip" | null {
  if (isGzip(head)) return "gzip";
  if (startsWith(head, HMAT_MAGIC)) return "hmat";
  if (startsWith(head, PMAT_MAGIC)) return "pmat";
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09) i++;
  return head[i] === 0x7b ? "heapsnapshot" : null;
}

/**
 * Reads a snapshot in any supported format (gzip'd or not) into a heap graph, choosing the reader
 * from the first bytes. No node: imports: this is the entry point for a browser worker.
 */
export async function readSnapshot(
  source: ByteSource,
  options: ReadOptions = {},
): Promise<HeapGraph> {
  const peeked = await peekSource(source, HEAD);
  const format = sniffFormat(peeked.head);
  if (format !== "gzip") return readerFor(format, source.name, peeked.head)(peeked.source, options);

  // Progress counts compressed bytes against the file's size; the inner reader sees plain bytes.
  const progress = new Progress(source.size, options.onProgress);
  const plain = gunzipSource(peeked.source, (read) => progress.update(read));
  const inner = await peekSource(plain, HEAD);
  const innerFormat = sniffFormat(inner.head);
  if (innerFormat === "gzip")
    throw new SnapshotReadError(source.name, 0, `${EXPECTED}, not gzip twice`);
  const { onProgress: _, ...rest } = options;
  const graph = await readerFor(innerFormat, source.name, inner.head)(inner.source, rest);
  progress.end();
  return graph;
}

function readerFor(format: SnapshotFormat | null, file: string, head: Uint8Array): Reader {
  if (format === null) throw new SnapshotReadError(file, 0, EXPECTED, cutMagic(head));
  return READERS[format];
}

/** Whether a file too short to sniff is the start of a known magic: a file cut within it. */
function cutMagic(head: Uint8Array): boolean {
  const magics = [HMAT_MAGIC, PMAT_MAGIC, "\x1f\x8b"];
  return magics.some(
    (magic) => head.length < magic.length && head.every((byte, i) => byte === magic.charCodeAt(i)),
  );
}

function startsWith(head: Uint8Array, magic: string): boolean {
  if (head.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic.charCodeAt(i)) return false;
  return true;
}

// Streams a V8 .heapsnapshot (JSON, plain or gzip'd) straight into HeapGraph's typed columns.
// Memory stays bounded beyond the output: no JSON.parse of the file, no giant string, nothing per
// node or edge. Files over 512 MB or 4 GB and strings tables over V8's string limit are fine.

import type { HeapGraph, LocationColumns } from "../graph/heap-graph.js";
import { resize, V8ColumnsBuilder } from "./heapsnapshot-columns.js";
import { LocationsBuilder } from "./heapsnapshot-locations.js";
import { TraceTreeScanner } from "./heapsnapshot-trace.js";
import { IntArrayScanner } from "./json-numbers.js";
import { StringArrayScanner } from "./json-strings.js";
import { isSpace, type JsonFail, ValueSkipper } from "./json-value.js";
import {
  type ByteSource,
  gunzipSource,
  isGzip,
  Progress,
  peekSource,
  type ReadOptions,
  SnapshotReadError,
} from "./source.js";
import { allocationTrace, edgeKindIsIndexOf, type V8Meta } from "./v8-columns.js";

/** Reads a V8 heap snapshot, plain or gzip'd, into a heap graph. */
export async function readHeapSnapshot(
  source: ByteSource,
  options: ReadOptions = {},
): Promise<HeapGraph> {
  const progress = new Progress(source.size, options.onProgress);
  const peeked = await peekSource(source, 2);
  const gzip = isGzip(peeked.head);
  const input = gzip ? gunzipSource(peeked.source, (read) => progress.update(read)) : peeked.source;
  const parser = new HeapSnapshotParser(
    source.name,
    options.idsOnly === true,
    gzip,
    gzip ? undefined : source.size,
  );
  let read = 0;
  for await (const chunk of input.chunks()) {
    read += chunk.byteLength;
    if (!gzip) progress.update(read);
    if (parser.push(chunk)) break;
  }
  const graph = parser.finish();
  progress.end();
  return graph;
}

const Top = { start: 0, keyOrEnd: 1, key: 2, colon: 3, value: 4, next: 5, keyStart: 6, done: 7 };

/** The header: `snapshot` in the file. */
interface SnapshotHeader {
  meta: V8Meta;
  node_count?: number;
  edge_count?: number;
}

type Section =
  | { kind: "header" | "skip"; scanner: ValueSkipper }
  | { kind: "nodes" | "edges" | "locations" | "traceInfos"; scanner: IntArrayScanner }
  | { kind: "trace"; scanner: TraceTreeScanner }
  | { kind: "strings"; scanner: StringArrayScanner };

const BATCH = 8192;
const NEEDS_HEADER = new Set(["nodes", "edges", "locations", "trace_function_infos", "trace_tree"]);

class HeapSnapshotParser {
  private state = Top.start;
  private base = 0;
  private chunkLength = 0;
  private keyBytes: number[] = [];
  private key = "";
  private section: Section | null = null;
  private readonly batch = new Float64Array(BATCH);
  private readonly seen = new Set<string>();
  private readonly fail: JsonFail = (at, expected) => {
    throw new SnapshotReadError(
      this.file,
      this.base + at,
      this.gzip ? `${expected} (offset in the gunzipped data)` : expected,
    );
  };

  private meta: V8Meta | null = null;
  private columns: V8ColumnsBuilder | null = null;

  private strings: string[] | null = null;
  private locations: LocationsBuilder | null = null;
  private traceInfos: Flat | null = null;
  private traceTree: TraceTreeScanner | null = null;

  constructor(
    private readonly file: string,
    private readonly idsOnly: boolean,
    private readonly gzip: boolean,
    /** The JSON's size when known: header counts may not allocate beyond what it could hold. */
    private readonly inputBytes?: number,
  ) {}

  /** Consumes one chunk; returns true when nothing more is needed (idsOnly, once nodes are in). */
  push(b: Uint8Array): boolean {
    this.base += this.chunkLength;
    this.chunkLength = b.length;
    const to = b.length;
    let i = 0;
    while (i < to) {
      const state = this.state;
      if (state === Top.value) {
        i = this.feedSection(b, i, to);
        if (this.idsOnly && this.seen.has("nodes") && this.state !== Top.value) return true;
        continue;
      }
      const c = b[i]!;
      if (state === Top.key) {
        if (c === 0x22) {
          this.key = String.fromCharCode(...this.keyBytes);
          this.keyBytes = [];
          this.state = Top.colon;
        } else {
          if (this.keyBytes.length > 256) this.fail(i, "a short key");
          this.keyBytes.push(c);
        }
        i++;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (state === Top.start) {
        if (c !== 0x7b) this.fail(i, "'{' starting a V8 heap snapshot");
        this.state = Top.keyOrEnd;
      } else if (state === Top.keyOrEnd || state === Top.keyStart) {
        if (c === 0x22) this.state = Top.key;
        else if (c === 0x7d && state === Top.keyOrEnd) this.state = Top.done;
        else this.fail(i, state === Top.keyOrEnd ? "a key or '}'" : "a key");
      } else if (state === Top.colon) {
        if (c !== 0x3a) this.fail(i, `':' after "${this.key}"`);
        this.startSection(i);
        this.state = Top.value;
      } else if (state === Top.next) {
        if (c === 0x2c) this.state = Top.keyStart;
        else if (c === 0x7d) this.state = Top.done;
        else this.fail(i, "',' or '}' after a top-level value");
      } else {
        this.fail(i, "nothing after the snapshot's closing '}'");
      }
      i++;
    }
    return false;
  }

  /** The graph, once every chunk has been pushed. */
  finish(): HeapGraph {
    const stoppedEarly = this.idsOnly && this.seen.has("nodes") && this.state !== Top.value;
    if (this.state !== Top.done && !stoppedEarly) {
      const at = this.base + this.chunkLength;
      throw new SnapshotReadError(this.file, at, this.expectedNow(), true);
    }
    const end = this.chunkLength;
    if (!this.meta || !this.columns) return this.fail(end, 'a "snapshot" header with meta');
    if (!this.seen.has("nodes")) this.fail(end, 'a "nodes" array');
    const meta = this.meta;
    const info = { format: "heapsnapshot", file: this.file } as const;
    const kinds = {
      nodeKinds: meta.node_types[0],
      edgeKinds: meta.edge_types[0],
      edgeKindIsIndex: edgeKindIsIndexOf(meta.edge_types[0]),
      rootIndex: 0,
    };
    if (this.idsOnly) {
      const columns = this.columns.nodesOnly(end);
      return { info, ...kinds, ...columns, strings: [], locations: null, trace: null };
    }
    if (!this.seen.has("edges")) this.fail(end, 'an "edges" array');
    if (!this.strings) return this.fail(end, 'a "strings" array');
    const trace =
      this.traceInfos && this.traceTree
        ? allocationTrace(meta, this.traceInfos.values(), this.traceTree.columns())
        : null;
    const columns = this.columns.all(this.strings.length, trace !== null, end);
    const locations: LocationColumns | null = this.locations?.finish() ?? null;
    return { info, ...kinds, ...columns, strings: this.strings, locations, trace };
  }

  private expectedNow(): string {
    switch (this.state) {
      case Top.start:
        return "'{' starting a V8 heap snapshot";
      case Top.value:
        if (this.section?.kind === "nodes" || this.section?.kind === "edges")
          return this.columns!.where(this.section.kind === "edges");
        return `the rest of "${this.key}"`;
      case Top.done:
        return "nothing more";
      default:
        return "the rest of the snapshot's top-level object";
    }
  }

  private startSection(at: number): void {
    const key = this.key;
    if (this.seen.has(key)) this.fail(at, `"${key}" only once`);
    this.seen.add(key);
    if (NEEDS_HEADER.has(key) && !this.meta) this.fail(at, `the "snapshot" header before "${key}"`);
    const what = `"${key}"`;
    const skip = () => ({ kind: "skip" as const, scanner: new ValueSkipper(what, this.fail) });
    switch (key) {
      case "snapshot":
        this.section = { kind: "header", scanner: new ValueSkipper(what, this.fail, 64 << 20) };
        return;
      case "nodes":
        this.section = { kind: "nodes", scanner: new IntArrayScanner(what, this.fail) };
        return;
      case "edges":
        this.section = { kind: "edges", scanner: new IntArrayScanner(what, this.fail) };
        return;
      case "locations":
        this.locations = new LocationsBuilder(this.meta!, this.columns!.nodeFields);
        this.section = { kind: "locations", scanner: new IntArrayScanner(what, this.fail) };
        return;
      case "trace_function_infos":
        this.traceInfos = new Flat();
        this.section = { kind: "traceInfos", scanner: new IntArrayScanner(what, this.fail) };
        return;
      case "trace_tree":
        this.traceTree = new TraceTreeScanner(this.meta!, this.fail);
        this.section = { kind: "trace", scanner: this.traceTree };
        return;
      case "strings": {
        const scanner = new StringArrayScanner(what, this.fail);
        this.strings = scanner.strings;
        this.section = { kind: "strings", scanner };
        return;
      }
      default:
        this.section = skip();
    }
  }

  /** Feeds the current top-level value; returns where the chunk's scan goes on. */
  private feedSection(b: Uint8Array, from: number, to: number): number {
    const section = this.section!;
    let i = from;
    switch (section.kind) {
      case "header":
      case "skip":
      case "trace":
      case "strings":
        section.scanner.feed(b, i, to);
        i = section.scanner.pos;
        break;
      case "nodes":
      case "edges":
        i = this.columns!.feed(b, i, to, section.scanner, section.kind === "edges");
        break;
      case "locations":
        i = this.locations!.feed(b, i, to, section.scanner);
        break;
      default: {
        const scanner = section.scanner;
        for (;;) {
          const k = scanner.scan(b, i, to, this.batch);
          i = scanner.pos;
          if (k > 0) this.traceInfos!.push(this.batch, k);
          if (scanner.done || i === to) break;
        }
      }
    }
    if (section.scanner.done) {
      if (section.kind === "header") this.readHeader(section.scanner.parse(), i);
      this.section = null;
      this.state = Top.next;
    }
    return i;
  }

  private readHeader(value: unknown, at: number): void {
    const header = value as SnapshotHeader | null;
    const meta = header?.meta as V8Meta;
    const ok =
      meta &&
      Array.isArray(meta.node_fields) &&
      Array.isArray(meta.edge_fields) &&
      Array.isArray(meta.node_types?.[0]) &&
      Array.isArray(meta.edge_types?.[0]);
    if (!ok)
      this.fail(at, "snapshot.meta with node_fields, node_types, edge_fields and edge_types");
    this.meta = meta;
    this.columns = new V8ColumnsBuilder(
      meta,
      count(header?.node_count),
      count(header?.edge_count),
      this.idsOnly,
      this.fail,
      at,
      this.inputBytes,
    );
  }
}

/** A growable flat array of numbers (trace function infos). */
class Flat {
  private data = new Float64Array(1024);
  private length = 0;
  push(batch: Float64Array, k: number): void {
    if (this.length + k > this.data.length)
      this.data = resize(this.data, Math.max(this.length + k, 2 * this.data.length));
    this.data.set(batch.subarray(0, k), this.length);
    this.length += k;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : -1;
}

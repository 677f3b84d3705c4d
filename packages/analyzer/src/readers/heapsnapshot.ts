// Streams a V8 .heapsnapshot (JSON, plain or gzip'd) straight into HeapGraph's typed columns.
// Memory stays bounded beyond the output: no JSON.parse of the file, no giant string, nothing per
// node or edge. Files over 512 MB or 4 GB and strings tables over V8's string limit are fine.

import type { HeapGraph, LocationColumns } from "../graph/heap-graph.js";
import { isShared } from "../graph/shared-memory.js";
import { V8ColumnsBuilder } from "./heapsnapshot-columns.js";
import { type EdgeColumns, type EdgesRead, resize } from "./heapsnapshot-edges.js";
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

/**
 * Someone to parse the `edges` array elsewhere (a worker thread), straight into the graph's shared
 * columns, while this reader parses the rest and skips the edges' bytes. For a plain (not gzip'd)
 * file whose layout was found beforehand: the offsets of the ':' after the top-level "nodes" and
 * "edges" keys. The reader checks the "nodes" one before starting the work.
 */
export interface EdgesElsewhere {
  nodesColon: number;
  edgesColon: number;
  start(job: EdgesJob): EdgesWork;
  /**
   * `b.indexOf(byte, from)`, faster: the skipped edges are most of the file, and a typed array's
   * own indexOf goes about 40 times slower than node:buffer's (memchr).
   */
  indexOf(b: Uint8Array, byte: number, from: number): number;
  /**
   * The edges array's ']', when found beforehand: the reader then jumps over the edges (most of
   * the file) with `bytesFrom`, instead of reading through them. Their parser, which stops at its
   * own ']', must have stopped there.
   */
  edgesEnd?: number;
  bytesFrom(offset: number): AsyncIterable<Uint8Array>;
}

/** What the edges' parser needs: the layout, the header's count and the columns to fill. */
export interface EdgesJob {
  meta: V8Meta;
  headerEdgeCount: number;
  /** Where the edges array's value starts (just after its key's ':'). */
  from: number;
  columns: EdgeColumns;
}

export interface EdgesWork {
  /** The outcome, the file's errors included; rejects only when the work itself could not run. */
  done: Promise<EdgesOutcome>;
  cancel(): void;
}

/** The edges read, or why not, as a SnapshotReadError's fields. */
export type EdgesOutcome =
  | { read: EdgesRead; end: number }
  | { error: { offset: number; expected: string; truncated: boolean } };

/** Reads a V8 heap snapshot, plain or gzip'd, into a heap graph. */
export async function readHeapSnapshot(
  source: ByteSource,
  options: ReadOptions = {},
  edgesElsewhere?: EdgesElsewhere,
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
    gzip || options.idsOnly ? undefined : edgesElsewhere,
  );
  let graph: HeapGraph;
  try {
    let read = 0;
    let chunks = input.chunks();
    for (let pushed: Pushed = "jump"; pushed === "jump"; ) {
      pushed = "more";
      for await (const chunk of chunks) {
        read += chunk.byteLength;
        if (!gzip) progress.update(read);
        pushed = parser.push(chunk);
        if (pushed !== "more") break;
      }
      if (pushed === "jump") ({ read, chunks } = parser.jump());
    }
    await parser.joinEdges();
    graph = parser.finish();
  } catch (error) {
    // Not laid out as V8 writes it after all (a key of its own after "edges"): read it all here.
    if (error instanceof UnexpectedLayout) return readHeapSnapshot(source, options);
    throw await parser.earliest(error);
  }
  progress.end();
  return graph;
}

/** The edges parsed elsewhere ended before the ']' this reader jumped to. */
class UnexpectedLayout extends Error {}

/** After a chunk: more wanted, nothing more needed (idsOnly), or the bytes from `jump()` next. */
type Pushed = "more" | "done" | "jump";

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
  | { kind: "strings"; scanner: StringArrayScanner }
  | { kind: "edgesElsewhere"; scanner: EdgesSkipper };

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
  /** The edges being parsed elsewhere, until joined. */
  private edgesWork: EdgesWork | null = null;
  /** Where the edges parsed elsewhere end, once this parser has jumped there; else -1. */
  private edgesEnd = -1;

  constructor(
    private readonly file: string,
    private readonly idsOnly: boolean,
    private readonly gzip: boolean,
    /** The JSON's size when known: header counts may not allocate beyond what it could hold. */
    private readonly inputBytes?: number,
    private readonly edgesElsewhere?: EdgesElsewhere,
  ) {}

  /** Consumes one chunk. */
  push(b: Uint8Array): Pushed {
    this.base += this.chunkLength;
    this.chunkLength = b.length;
    const to = b.length;
    let i = 0;
    while (i < to) {
      const state = this.state;
      if (state === Top.value) {
        i = this.feedSection(b, i, to);
        if (this.idsOnly && this.seen.has("nodes") && this.state !== Top.value) return "done";
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
        if (this.startSection(i)) {
          // The edges, parsed elsewhere, end where found beforehand: go on from there.
          this.state = Top.next;
          return "jump";
        }
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
    return "more";
  }

  /** After push says "jump": the bytes after the edges, and the offset they start at. */
  jump(): { read: number; chunks: AsyncIterable<Uint8Array> } {
    const read = this.edgesEnd + 1;
    this.base = read;
    this.chunkLength = 0;
    return { read, chunks: this.edgesElsewhere!.bytesFrom(read) };
  }

  /** Waits for the edges parsed elsewhere, if any, and takes them over. */
  async joinEdges(): Promise<void> {
    const work = this.edgesWork;
    if (!work) return;
    const outcome = await work.done;
    this.edgesWork = null;
    if ("error" in outcome) throw this.edgesError(outcome);
    // Bytes between the two would have been read by nobody.
    if (this.edgesEnd !== -1 && outcome.end !== this.edgesEnd) throw new UnexpectedLayout();
    this.columns!.edges.adopt(outcome.read);
  }

  /**
   * The error to report when reading failed: the first in the file, as a one-thread read would
   * have met it. An error past the edges' start waits for theirs, which comes first if any.
   */
  async earliest(error: unknown): Promise<unknown> {
    const work = this.edgesWork;
    if (!work) return error;
    this.edgesWork = null;
    const before =
      error instanceof SnapshotReadError && error.offset <= this.edgesElsewhere!.edgesColon;
    if (before || !(error instanceof SnapshotReadError)) {
      work.cancel();
      return error;
    }
    // A thread that failed to run has no error of the file's to tell.
    const outcome = await work.done.catch(() => null);
    return outcome && "error" in outcome ? this.edgesError(outcome) : error;
  }

  private edgesError(outcome: Extract<EdgesOutcome, { error: unknown }>): SnapshotReadError {
    const { offset, expected, truncated } = outcome.error;
    return new SnapshotReadError(this.file, offset, expected, truncated);
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

  /** Starts the value of the key just read; true when it is to be jumped over. */
  private startSection(at: number): boolean {
    const key = this.key;
    if (this.seen.has(key)) this.fail(at, `"${key}" only once`);
    this.seen.add(key);
    if (NEEDS_HEADER.has(key) && !this.meta) this.fail(at, `the "snapshot" header before "${key}"`);
    const what = `"${key}"`;
    const skip = () => ({ kind: "skip" as const, scanner: new ValueSkipper(what, this.fail) });
    switch (key) {
      case "snapshot":
        this.section = { kind: "header", scanner: new ValueSkipper(what, this.fail, 64 << 20) };
        return false;
      case "nodes":
        if (this.base + at === this.edgesElsewhere?.nodesColon) this.startEdgesElsewhere();
        this.section = { kind: "nodes", scanner: new IntArrayScanner(what, this.fail) };
        return false;
      case "edges":
        if (this.edgesWork) {
          // Found by the same rules as the "nodes" key just checked: a mismatch is a bug.
          if (this.base + at !== this.edgesElsewhere!.edgesColon)
            throw new Error(
              `"edges" is not where it was found beforehand (byte ${this.base + at})`,
            );
          const { indexOf, edgesEnd } = this.edgesElsewhere!;
          if (edgesEnd !== undefined) {
            this.edgesEnd = edgesEnd;
            return true;
          }
          this.section = {
            kind: "edgesElsewhere",
            scanner: new EdgesSkipper(what, this.fail, indexOf),
          };
        } else this.section = { kind: "edges", scanner: new IntArrayScanner(what, this.fail) };
        return false;
      case "locations":
        this.locations = new LocationsBuilder(this.meta!, this.columns!.nodeFields);
        this.section = { kind: "locations", scanner: new IntArrayScanner(what, this.fail) };
        return false;
      case "trace_function_infos":
        this.traceInfos = new Flat();
        this.section = { kind: "traceInfos", scanner: new IntArrayScanner(what, this.fail) };
        return false;
      case "trace_tree":
        this.traceTree = new TraceTreeScanner(this.meta!, this.fail);
        this.section = { kind: "trace", scanner: this.traceTree };
        return false;
      case "strings": {
        const scanner = new StringArrayScanner(what, this.fail);
        this.strings = scanner.strings;
        this.section = { kind: "strings", scanner };
        return false;
      }
      default:
        this.section = skip();
        return false;
    }
  }

  /** Hands the edges to the one who parses them elsewhere, when the columns allow it. */
  private startEdgesElsewhere(): void {
    const headerEdgeCount = this.columns!.headerEdgeCount;
    const columns = this.columns!.edges.columns();
    // Only columns of the header's full count, on shared memory, can be filled in place.
    if (headerEdgeCount < 0 || columns.capacity !== headerEdgeCount) return;
    if (!isShared(columns.edgeKind)) return;
    const from = this.edgesElsewhere!.edgesColon + 1;
    this.edgesWork = this.edgesElsewhere!.start({
      meta: this.meta!,
      headerEdgeCount,
      from,
      columns,
    });
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
      case "edgesElsewhere":
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

/**
 * Passes over the edges array, parsed elsewhere: finds its '[' and its ']' (the array holds only
 * digits, commas and whitespace, so the first ']' closes it) without parsing a number.
 */
class EdgesSkipper {
  done = false;
  pos = 0;
  private opened = false;

  constructor(
    private readonly what: string,
    private readonly fail: JsonFail,
    private readonly indexOf: EdgesElsewhere["indexOf"],
  ) {}

  feed(b: Uint8Array, from: number, to: number): void {
    let i = from;
    if (!this.opened) {
      while (i < to && isSpace(b[i]!)) i++;
      if (i === to) {
        this.pos = i;
        return;
      }
      if (b[i] !== 0x5b) this.fail(i, `'[' opening ${this.what}`);
      this.opened = true;
      i++;
    }
    const close = this.indexOf(b.subarray(0, to), 0x5d, i);
    this.done = close >= 0;
    this.pos = close >= 0 ? close + 1 : to;
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

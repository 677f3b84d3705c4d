// Streams a V8 .heapsnapshot (JSON, plain or gzip'd) straight into HeapGraph's typed columns.
// Memory stays bounded beyond the output: no JSON.parse of the file, no giant string, nothing per
// node or edge. Files over 512 MB or 4 GB and strings tables over V8's string limit are fine.

import type { HeapGraph, LocationColumns } from "../graph/heap-graph.js";
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
import { allocationTrace, edgeKindIsIndexOf, locationColumns, type V8Meta } from "./v8-columns.js";

/** Reads a V8 heap snapshot, plain or gzip'd, into a heap graph. */
export async function readHeapSnapshot(
  source: ByteSource,
  options: ReadOptions = {},
): Promise<HeapGraph> {
  const progress = new Progress(source.size, options.onProgress);
  const peeked = await peekSource(source, 2);
  const gzip = isGzip(peeked.head);
  const input = gzip ? gunzipSource(peeked.source, (read) => progress.update(read)) : peeked.source;
  const parser = new HeapSnapshotParser(source.name, options.idsOnly === true, gzip);
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
  private readonly one = new Float64Array(1);
  private readonly seen = new Set<string>();
  private readonly fail: JsonFail = (at, expected) => {
    throw new SnapshotReadError(
      this.file,
      this.base + at,
      this.gzip ? `${expected} (offset in the gunzipped data)` : expected,
    );
  };

  // From the header.
  private meta: V8Meta | null = null;
  private headerNodeCount = -1;
  private headerEdgeCount = -1;
  private nodeFields = 0;
  private edgeFields = 0;
  private nodeKindCount = 0;
  private edgeKindCount = 0;
  private fType = -1;
  private fName = -1;
  private fId = -1;
  private fSize = -1;
  private fEdges = -1;
  private fTrace = -1;
  private fDetached = -1;
  private eType = -1;
  private eName = -1;
  private eTo = -1;

  // Node columns, filled as numbers stream in; `nodeField` is the next field of node `nodeCount`.
  private nodeCount = 0;
  private nodeField = 0;
  private nodeCapacity = 0;
  private nodeKind = new Uint8Array(0);
  private nodeName = new Uint32Array(0);
  private nodeId = new Float64Array(0);
  private nodeSelfSize = new Float64Array(0);
  private nodeTraceId: Uint32Array | null = null;
  private nodeDetachedness: Uint8Array | null = null;
  private firstEdge = new Uint32Array(0);
  private edgeTotal = 0;
  private maxNodeName = 0;

  private edgeCount = 0;
  private edgeField = 0;
  private edgeCapacity = 0;
  private edgeKind = new Uint8Array(0);
  private edgeName = new Uint32Array(0);
  private edgeTarget = new Uint32Array(0);

  private strings: string[] | null = null;
  private locations: Flat | null = null;
  private traceInfos: Flat | null = null;
  private traceTree: TraceTreeScanner | null = null;

  constructor(
    private readonly file: string,
    private readonly idsOnly: boolean,
    private readonly gzip: boolean,
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
      throw new SnapshotReadError(
        this.file,
        this.base + this.chunkLength,
        this.expectedNow(),
        true,
      );
    }
    const end = this.chunkLength;
    if (!this.meta) this.fail(end, 'a "snapshot" header with meta');
    if (!this.seen.has("nodes")) this.fail(end, 'a "nodes" array');
    if (this.headerNodeCount >= 0 && this.nodeCount !== this.headerNodeCount)
      this.fail(
        end,
        `${this.headerNodeCount} nodes, as snapshot.node_count says (found ${this.nodeCount})`,
      );
    if (this.nodeField !== 0) this.fail(end, "a whole number of nodes in the nodes array");
    const n = this.nodeCount;
    const meta = this.meta;

    if (this.idsOnly) {
      return {
        info: { format: "heapsnapshot", file: this.file },
        nodeCount: n,
        edgeCount: 0,
        strings: [],
        nodeKinds: meta.node_types[0],
        edgeKinds: meta.edge_types[0],
        edgeKindIsIndex: edgeKindIsIndexOf(meta.edge_types[0]),
        nodeKind: trim(this.nodeKind, n),
        nodeName: new Uint32Array(n),
        nodeId: trim(this.nodeId, n),
        nodeSelfSize: trim(this.nodeSelfSize, n),
        nodeTraceId: null,
        nodeDetachedness: null,
        firstEdge: new Uint32Array(n + 1),
        edgeKind: new Uint8Array(0),
        edgeName: new Uint32Array(0),
        edgeTarget: new Uint32Array(0),
        rootIndex: 0,
        locations: null,
        trace: null,
      };
    }

    if (!this.seen.has("edges")) this.fail(end, 'an "edges" array');
    if (!this.strings) this.fail(end, 'a "strings" array');
    const m = this.edgeCount;
    if (this.headerEdgeCount >= 0 && m !== this.headerEdgeCount)
      this.fail(end, `${this.headerEdgeCount} edges, as snapshot.edge_count says (found ${m})`);
    if (this.edgeField !== 0) this.fail(end, "a whole number of edges in the edges array");
    if (this.edgeTotal !== m)
      this.fail(
        end,
        `the nodes' edge counts to add up to ${m} edges (they add up to ${this.edgeTotal})`,
      );
    const firstEdge = trim(this.firstEdge, n + 1);
    firstEdge[n] = m;

    const strings = this.strings;
    const edgeKindIsIndex = edgeKindIsIndexOf(meta.edge_types[0]);
    const edgeTarget = trim(this.edgeTarget, m);
    this.checkReferences(strings.length, edgeKindIsIndex, end);

    let locations: LocationColumns | null = null;
    if (this.locations) locations = locationColumns(meta, this.locations.values(), this.nodeFields);
    const trace =
      this.traceInfos && this.traceTree
        ? allocationTrace(meta, this.traceInfos.values(), this.traceTree.columns())
        : null;
    return {
      info: { format: "heapsnapshot", file: this.file },
      nodeCount: n,
      edgeCount: m,
      strings,
      nodeKinds: meta.node_types[0],
      edgeKinds: meta.edge_types[0],
      edgeKindIsIndex,
      nodeKind: trim(this.nodeKind, n),
      nodeName: trim(this.nodeName, n),
      nodeId: trim(this.nodeId, n),
      nodeSelfSize: trim(this.nodeSelfSize, n),
      nodeTraceId: this.nodeTraceId && (trace ? trim(this.nodeTraceId, n) : null),
      nodeDetachedness: this.nodeDetachedness && trim(this.nodeDetachedness, n),
      firstEdge,
      edgeKind: trim(this.edgeKind, m),
      edgeName: trim(this.edgeName, m),
      edgeTarget,
      rootIndex: 0,
      locations,
      trace,
    };
  }

  /** Names must index the strings and edges must point at nodes: one pass, once all is read. */
  private checkReferences(stringCount: number, edgeKindIsIndex: Uint8Array, end: number): void {
    if (this.nodeCount > 0 && this.maxNodeName >= stringCount)
      this.fail(end, `node names to index the ${stringCount} strings (found ${this.maxNodeName})`);
    const { edgeKind, edgeName, edgeTarget, nodeCount } = this;
    for (let e = 0; e < this.edgeCount; e++) {
      if (edgeTarget[e]! >= nodeCount)
        this.fail(end, `edge ${e} to point at one of the ${nodeCount} nodes`);
      if (edgeName[e]! >= stringCount && edgeKindIsIndex[edgeKind[e]!] === 0)
        this.fail(end, `edge ${e}'s name to index the ${stringCount} strings`);
    }
  }

  private expectedNow(): string {
    switch (this.state) {
      case Top.start:
        return "'{' starting a V8 heap snapshot";
      case Top.value:
        if (this.section?.kind === "nodes")
          return `more of "nodes" (node ${this.nodeCount} of ${this.headerNodeCount})`;
        if (this.section?.kind === "edges")
          return `more of "edges" (edge ${this.edgeCount} of ${this.headerEdgeCount})`;
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
        this.locations = new Flat();
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
        i = this.feedColumns(b, i, to, section.scanner, section.kind === "edges");
        break;
      default: {
        const scanner = section.scanner;
        for (;;) {
          const k = scanner.scan(b, i, to, this.batch);
          i = scanner.pos;
          if (k > 0) this.take(section.kind, k, i);
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

  /**
   * Nodes and edges, the bulk of a file: a tight loop that parses and stores each number in one
   * pass. Anything unusual (the array's ends, a number cut by the chunk's end, bad bytes) goes
   * one number at a time through the scanner, which owns the JSON structure and its errors.
   */
  private feedColumns(
    b: Uint8Array,
    from: number,
    to: number,
    scanner: IntArrayScanner,
    edges: boolean,
  ): number {
    let i = from;
    for (;;) {
      if (scanner.ready)
        i = edges ? this.fastEdges(b, i, to, scanner) : this.fastNodes(b, i, to, scanner);
      if (i === to) return i;
      const k = scanner.scan(b, i, to, this.one);
      i = scanner.pos;
      if (k > 0) edges ? this.takeEdges(this.one, k, i) : this.takeNodes(this.one, k, i);
      if (scanner.done || i === to) return i;
    }
  }

  private fastNodes(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    const F = this.nodeFields;
    let n = this.nodeCount;
    let f = this.nodeField;
    // Without counts in the header, make room for as many nodes as this chunk could hold.
    const need = n + Math.ceil((to - from + 1) / 2 / F) + 1;
    if (this.headerNodeCount < 0 && need > this.nodeCapacity)
      this.growNodes(Math.max(need, 2 * this.nodeCapacity));
    const capacity = this.nodeCapacity;
    if (n >= capacity) return from;
    const { fType, fName, fId, fSize, fEdges, fTrace, fDetached, nodeKindCount } = this;
    const { nodeKind, nodeName, nodeId, nodeSelfSize, nodeTraceId, nodeDetachedness, firstEdge } =
      this;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    let afterValue = scanner.afterValue;
    let parsed = 0;
    let i = from;
    while (i < to) {
      const c = b[i]!;
      let d = c - 48;
      if (d >= 0 && d <= 9) {
        if (afterValue) break;
        let v = d;
        let j = i + 1;
        for (; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          v = v * 10 + d;
        }
        if (j === to) break;
        if (f === fType) {
          if (v >= nodeKindCount) break;
          nodeKind[n] = v;
        } else if (f === fName) {
          nodeName[n] = v;
          if (v > maxName) maxName = v;
        } else if (f === fId) nodeId[n] = v;
        else if (f === fSize) nodeSelfSize[n] = v;
        else if (f === fEdges) {
          firstEdge[n] = edgeTotal;
          edgeTotal += v;
        } else if (f === fTrace) nodeTraceId![n] = v;
        else if (f === fDetached) nodeDetachedness![n] = v;
        // The comma that usually follows is taken here, saving a turn of the loop.
        if (b[j] === 0x2c) {
          i = j + 1;
          afterValue = false;
        } else {
          i = j;
          afterValue = true;
        }
        parsed++;
        if (++f === F) {
          f = 0;
          if (++n === capacity) break;
        }
      } else if (c === 0x2c) {
        if (!afterValue) break;
        afterValue = false;
        i++;
      } else if (c === 0x0a || c === 0x20 || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.nodeCount = n;
    this.nodeField = f;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
    scanner.afterValue = afterValue;
    scanner.count += parsed;
    return i;
  }

  private fastEdges(b: Uint8Array, from: number, to: number, scanner: IntArrayScanner): number {
    const E = this.edgeFields;
    const NF = this.nodeFields;
    let e = this.edgeCount;
    let f = this.edgeField;
    const need = e + Math.ceil((to - from + 1) / 2 / E) + 1;
    if (this.headerEdgeCount < 0 && need > this.edgeCapacity)
      this.growEdges(Math.max(need, 2 * this.edgeCapacity));
    const capacity = this.edgeCapacity;
    if (e >= capacity) return from;
    const { eType, eName, eTo, edgeKindCount, edgeKind, edgeName, edgeTarget } = this;
    let afterValue = scanner.afterValue;
    let parsed = 0;
    let i = from;
    while (i < to) {
      const c = b[i]!;
      let d = c - 48;
      if (d >= 0 && d <= 9) {
        if (afterValue) break;
        let v = d;
        let j = i + 1;
        for (; j < to; j++) {
          d = b[j]! - 48;
          if (d >>> 0 > 9) break;
          v = v * 10 + d;
        }
        if (j === to) break;
        if (f === eType) {
          if (v >= edgeKindCount) break;
          edgeKind[e] = v;
        } else if (f === eName) edgeName[e] = v;
        else if (f === eTo) {
          const target = v / NF;
          if (target !== Math.floor(target)) break;
          edgeTarget[e] = target;
        }
        // The comma that usually follows is taken here, saving a turn of the loop.
        if (b[j] === 0x2c) {
          i = j + 1;
          afterValue = false;
        } else {
          i = j;
          afterValue = true;
        }
        parsed++;
        if (++f === E) {
          f = 0;
          if (++e === capacity) break;
        }
      } else if (c === 0x2c) {
        if (!afterValue) break;
        afterValue = false;
        i++;
      } else if (c === 0x0a || c === 0x20 || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.edgeCount = e;
    this.edgeField = f;
    scanner.afterValue = afterValue;
    scanner.count += parsed;
    return i;
  }

  private take(kind: "nodes" | "edges" | "locations" | "traceInfos", k: number, at: number): void {
    if (kind === "nodes") this.takeNodes(this.batch, k, at);
    else if (kind === "edges") this.takeEdges(this.batch, k, at);
    else (kind === "locations" ? this.locations! : this.traceInfos!).push(this.batch, k);
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
    const nf = meta.node_fields;
    const ef = meta.edge_fields;
    this.nodeFields = nf.length;
    this.edgeFields = ef.length;
    this.nodeKindCount = meta.node_types[0].length;
    this.edgeKindCount = meta.edge_types[0].length;
    this.fType = nf.indexOf("type");
    this.fId = nf.indexOf("id");
    this.fSize = nf.indexOf("self_size");
    this.eType = ef.indexOf("type");
    this.eName = ef.indexOf("name_or_index");
    this.eTo = ef.indexOf("to_node");
    for (const [index, name] of [
      [this.fType, "type"],
      [this.fId, "id"],
      [this.fSize, "self_size"],
      [nf.indexOf("name"), "name"],
      [nf.indexOf("edge_count"), "edge_count"],
    ] as const)
      if (index < 0) this.fail(at, `snapshot.meta.node_fields to include "${name}"`);
    for (const [index, name] of [
      [this.eType, "type"],
      [this.eName, "name_or_index"],
      [this.eTo, "to_node"],
    ] as const)
      if (index < 0) this.fail(at, `snapshot.meta.edge_fields to include "${name}"`);
    // In idsOnly mode only ids, kinds and sizes are kept: the other fields are never matched.
    if (!this.idsOnly) {
      this.fName = nf.indexOf("name");
      this.fEdges = nf.indexOf("edge_count");
      this.fTrace = nf.indexOf("trace_node_id");
      this.fDetached = nf.indexOf("detachedness");
    }
    this.headerNodeCount = count(header!.node_count);
    this.headerEdgeCount = count(header!.edge_count);
    this.growNodes(Math.max(this.headerNodeCount, 0));
    if (!this.idsOnly) this.growEdges(Math.max(this.headerEdgeCount, 0));
  }

  private takeNodes(values: Float64Array, k: number, at: number): void {
    const F = this.nodeFields;
    let n = this.nodeCount;
    let f = this.nodeField;
    const need = n + Math.ceil((f + k) / F);
    if (need > this.nodeCapacity) this.growNodes(Math.max(need, 2 * this.nodeCapacity));
    const { fType, fName, fId, fSize, fEdges, fTrace, fDetached, nodeKindCount } = this;
    const { nodeKind, nodeName, nodeId, nodeSelfSize, nodeTraceId, nodeDetachedness, firstEdge } =
      this;
    let edgeTotal = this.edgeTotal;
    let maxName = this.maxNodeName;
    for (let j = 0; j < k; j++) {
      const v = values[j]!;
      if (f === fType) {
        if (v >= nodeKindCount) this.fail(at, `node ${n}'s type to be below ${nodeKindCount}`);
        nodeKind[n] = v;
      } else if (f === fName) {
        nodeName[n] = v;
        if (v > maxName) maxName = v;
      } else if (f === fId) nodeId[n] = v;
      else if (f === fSize) nodeSelfSize[n] = v;
      else if (f === fEdges) {
        firstEdge[n] = edgeTotal;
        edgeTotal += v;
      } else if (f === fTrace) nodeTraceId![n] = v;
      else if (f === fDetached) nodeDetachedness![n] = v;
      if (++f === F) {
        f = 0;
        n++;
      }
    }
    this.nodeCount = n;
    this.nodeField = f;
    this.edgeTotal = edgeTotal;
    this.maxNodeName = maxName;
  }

  private takeEdges(values: Float64Array, k: number, at: number): void {
    const E = this.edgeFields;
    const NF = this.nodeFields;
    let e = this.edgeCount;
    let f = this.edgeField;
    const need = e + Math.ceil((f + k) / E);
    if (need > this.edgeCapacity) this.growEdges(Math.max(need, 2 * this.edgeCapacity));
    const { eType, eName, eTo, edgeKindCount, edgeKind, edgeName, edgeTarget } = this;
    for (let j = 0; j < k; j++) {
      const v = values[j]!;
      if (f === eType) {
        if (v >= edgeKindCount) this.fail(at, `edge ${e}'s type to be below ${edgeKindCount}`);
        edgeKind[e] = v;
      } else if (f === eName) edgeName[e] = v;
      else if (f === eTo) {
        const target = v / NF;
        if (target !== Math.floor(target))
          this.fail(at, `edge ${e}'s to_node to be a multiple of ${NF} (found ${v})`);
        edgeTarget[e] = target;
      }
      if (++f === E) {
        f = 0;
        e++;
      }
    }
    this.edgeCount = e;
    this.edgeField = f;
  }

  private growNodes(capacity: number): void {
    this.nodeCapacity = capacity;
    this.nodeKind = resize(this.nodeKind, capacity);
    this.nodeId = resize(this.nodeId, capacity);
    this.nodeSelfSize = resize(this.nodeSelfSize, capacity);
    if (this.idsOnly) return;
    this.nodeName = resize(this.nodeName, capacity);
    this.firstEdge = resize(this.firstEdge, capacity + 1);
    if (this.fTrace >= 0)
      this.nodeTraceId = resize(this.nodeTraceId ?? new Uint32Array(0), capacity);
    if (this.fDetached >= 0)
      this.nodeDetachedness = resize(this.nodeDetachedness ?? new Uint8Array(0), capacity);
  }

  private growEdges(capacity: number): void {
    this.edgeCapacity = capacity;
    this.edgeKind = resize(this.edgeKind, capacity);
    this.edgeName = resize(this.edgeName, capacity);
    this.edgeTarget = resize(this.edgeTarget, capacity);
  }
}

/** A growable flat array of numbers (locations, trace function infos). */
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

type Column = Uint8Array | Uint32Array | Float64Array;

function resize<T extends Column>(array: T, length: number): T {
  if (array.length === length) return array;
  const out = new (array.constructor as new (n: number) => T)(length);
  out.set(array.length <= length ? array : (array.subarray(0, length) as T));
  return out;
}

/** Exactly `length` long: the same array when it already is (the usual case: counts from the header). */
function trim<T extends Column>(array: T, length: number): T {
  return array.length === length ? array : (array.slice(0, length) as T);
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : -1;
}

// Reader for the dumper's .hmat files (packages/dumper/FORMAT.md): streams the sections, inflates
// them with the injected inflater or else DecompressionStream (no node: imports), unpacks them
// with msgpackr, and decodes node and edge blocks into the heap graph as they arrive (hmat-graph.ts).
import {
  decodeColumn,
  HMAT_HEADER_SIZE,
  HMAT_VERSION,
  isHmat,
  NODE_OFFSET_FIELDS,
  Section,
  type StringsBlock,
  TABLES,
} from "@heapmat/dumper/format";
import type { DumpInfo, HeapGraph } from "../graph/heap-graph.js";
import { type Block, GRAPH_TABLES, HmatGraphBuilder } from "./hmat-graph.js";
import { type HmatElsewhere, Meeting } from "./hmat-meet.js";
import { checkBlock, expectedBody, type Frame, frameHeader, unpackBody } from "./hmat-sections.js";
import { HmatStrings } from "./hmat-strings.js";
import { type ByteSource, type ReadOptions, SnapshotReadError } from "./source.js";
import type { V8Meta } from "./v8-columns.js";

/** Tables an idsOnly read still needs. */
const IDS_ONLY_SECTIONS = new Set<string>([
  Section.Info,
  Section.V8,
  Section.Nodes,
  Section.Strings,
  Section.End,
]);

const KNOWN_SECTIONS = new Set<string>(Object.values(Section));

/**
 * Reads a .hmat file into a heap graph; with `elsewhere`, the node blocks, then the edge blocks
 * (none when reading ids only), are decoded from the last one backward elsewhere meanwhile
 * (hmat-meet.ts), unless salvaging.
 */
export async function readHmat(
  source: ByteSource,
  options: ReadOptions = {},
  elsewhere?: HmatElsewhere,
): Promise<HeapGraph> {
  const meetings =
    elsewhere && !options.salvage
      ? {
          nodes: new Meeting(elsewhere, "nodes"),
          edges: options.idsOnly ? undefined : new Meeting(elsewhere, "edges"),
        }
      : null;
  try {
    return await readSections(source, options, meetings);
  } finally {
    meetings?.nodes.end();
    meetings?.edges?.end();
  }
}

async function readSections(
  source: ByteSource,
  options: ReadOptions,
  meetings: { nodes: Meeting; edges: Meeting | undefined } | null,
): Promise<HeapGraph> {
  const frames = new FrameStream(source);
  let info: Record<string, unknown> = {};
  let meta: V8Meta | null = null;
  let builder: HmatGraphBuilder | null = null;
  // The small tables, kept as blocks until the end; nodes and edges are decoded on arrival.
  const blocks: Record<string, Block[]> = {};
  const strings = new HmatStrings();
  let traceTree: unknown[] | undefined;
  let ended = false;
  let tablesGiven = !options.onTables || options.idsOnly || options.salvage;

  for await (const frame of frames.frames(options)) {
    if (ended) throw new SnapshotReadError(source.name, frame.offset, "nothing after the trailer");
    // The first section after the edges: the tables are complete, the strings still to read.
    const afterEdges = frame.tag !== Section.Nodes && frame.tag !== Section.Edges;
    if (!tablesGiven && afterEdges && builder && builder.rowsOf("edges") > 0) {
      tablesGiven = true;
      const tables = builder.tables();
      if (tables) options.onTables!(tables);
    }
    // Unknown tags come from newer writers: skip them unread.
    if (!KNOWN_SECTIONS.has(frame.tag)) continue;
    if (options.idsOnly && !IDS_ONLY_SECTIONS.has(frame.tag)) continue;
    const meeting =
      frame.tag === Section.Nodes
        ? meetings?.nodes
        : frame.tag === Section.Edges
          ? meetings?.edges
          : undefined;
    if (meeting && builder && (await meeting.skip(frame.offset, builder))) continue;
    const value = await decodeBody(source.name, frame, options.inflate);
    // A section that decodes but is not what its tag promises is named as such, never a TypeError.
    try {
      switch (frame.tag) {
        case Section.Info:
          info = value;
          break;
        case Section.V8:
          meta ??= checkMeta((value as { meta: V8Meta }).meta);
          builder ??= new HmatGraphBuilder(source.name, meta, {
            nodeCount: value.node_count,
            edgeCount: value.edge_count,
            ...(source.size !== undefined && { fileSize: source.size }),
            ...(options.idsOnly && { idsOnly: true }),
            ...(options.salvage && { salvage: true }),
          });
          break;
        case Section.Strings:
          strings.add(value as unknown as StringsBlock);
          break;
        case Section.TraceTree:
          traceTree = value.tree as unknown[];
          break;
        case Section.End:
          ended = true;
          break;
        default: {
          const key = TABLE_OF_SECTION.get(frame.tag);
          if (!key) break;
          const block = checkBlock(value, frame.offset);
          // FORMAT.md: "v8" comes before any table.
          if ((key === "nodes" || key === "edges") && !builder)
            throw new SnapshotReadError(source.name, frame.offset, 'the "v8" section first');
          await meeting?.reserve(block.count, builder!);
          if (key === "nodes") builder!.addNodes(block);
          else if (key === "edges") builder!.addEdges(block);
          else {
            blocks[key] ??= [];
            blocks[key].push(block);
          }
        }
      }
    } catch (error) {
      throw asReadError(error, source.name, frame.offset, `a well-formed "${frame.tag}" section`);
    }
  }
  if (!ended && !options.salvage)
    throw new SnapshotReadError(
      source.name,
      frames.completeUpTo,
      'the trailer section "end"',
      true,
    );
  if (!meta || !builder)
    throw new SnapshotReadError(source.name, frames.completeUpTo, 'the "v8" section', !ended);

  let graph: HeapGraph;
  let inRange: boolean;
  let edgeSum: number;
  try {
    ({ graph, inRange, edgeSum } = builder.finish({
      info: dumpInfo(info, source.name),
      ...(blocks.locations && { locations: blocks.locations }),
      strings: strings.texts(),
      otherTables: () => decodeTables(source.name, meta!, blocks),
      ...(traceTree && { traceTree }),
    }));
  } catch (error) {
    throw asReadError(error, source.name, frames.completeUpTo, "consistent node and edge tables");
  }
  // Fewer edges than the nodes count: clamped above, so only salvaging may read them.
  if (edgeSum !== graph.edgeCount && !options.salvage && !options.idsOnly)
    throw new SnapshotReadError(
      source.name,
      frames.completeUpTo,
      `the nodes' edge counts to add up to the ${graph.edgeCount} edges (they add up to ${edgeSum})`,
    );
  // The builder checked the ranges block by block; the whole scan only names what is wrong.
  const problem =
    inRange && graph.firstEdge[graph.nodeCount] === graph.edgeCount ? null : graphProblem(graph);
  if (problem) throw new SnapshotReadError(source.name, frames.completeUpTo, problem);
  return graph;
}

/** Turns a decoding failure (a TypeError, a RangeError) into the readers' typed error. */
function asReadError(error: unknown, file: string, offset: number, expected: string): unknown {
  if (!(error instanceof Error) || error instanceof SnapshotReadError) return error;
  return new SnapshotReadError(file, offset, `${expected} (${error.message})`);
}

function checkMeta(meta: V8Meta): V8Meta {
  const ok =
    meta &&
    Array.isArray(meta.node_fields) &&
    Array.isArray(meta.edge_fields) &&
    Array.isArray(meta.node_types?.[0]) &&
    Array.isArray(meta.edge_types?.[0]) &&
    ["type", "name", "id", "self_size", "edge_count"].every((f) => meta.node_fields.includes(f)) &&
    ["type", "name_or_index", "to_node"].every((f) => meta.edge_fields.includes(f));
  if (!ok) throw new TypeError("meta lacks the node and edge fields and types");
  return meta;
}

/** What makes a decoded graph unsafe to query: kinds, names and targets out of range. */
function graphProblem(g: HeapGraph): string | null {
  const n = g.nodeCount;
  const m = g.edgeCount;
  if (g.firstEdge[n] !== m)
    return `the nodes' edge counts to add up to the ${m} edges (they add up to ${g.firstEdge[n]})`;
  for (let i = 0; i < n; i++) {
    if (g.firstEdge[i + 1]! < g.firstEdge[i]!) return `node ${i}'s edge count to be positive`;
    if (g.nodeKind[i]! >= g.nodeKinds.length) return `node ${i}'s type to be a known node type`;
    if (g.nodeName[i]! >= g.strings.length) return `node ${i}'s name to index the strings`;
  }
  for (let e = 0; e < m; e++) {
    if (g.edgeTarget[e]! >= n || !Number.isInteger(g.edgeTarget[e]))
      return `edge ${e} to point at one of the ${n} nodes`;
    if (g.edgeKind[e]! >= g.edgeKinds.length) return `edge ${e}'s type to be a known edge type`;
    if (g.edgeKindIsIndex[g.edgeKind[e]!] === 0 && g.edgeName[e]! >= g.strings.length)
      return `edge ${e}'s name to index the strings`;
  }
  return null;
}

const TABLE_OF_SECTION = new Map(
  Object.entries(TABLES).map(([key, t]) => [t.section as string, key]),
);

function dumpInfo(info: Record<string, unknown>, file: string): DumpInfo {
  const known = [
    "nodeVersion",
    "v8Version",
    "pid",
    "hostname",
    "argv",
    "startTime",
    "dumpTime",
    "uptime",
    "reason",
    "label",
    "memoryUsage",
    "heapStatistics",
    "heapSpaces",
  ];
  const out: Record<string, unknown> = { format: "hmat", file };
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) {
    if (known.includes(key)) out[key] = value;
    else extra[key] = value;
  }
  out.extra = extra;
  return out as unknown as DumpInfo;
}

/** Decodes the other tables' column blocks into V8's flat layout (offsets restored). */
function decodeTables(
  file: string,
  meta: V8Meta,
  blocks: Record<string, Block[]>,
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const nodeFieldCount = meta.node_fields.length;
  for (const key of Object.keys(TABLES)) {
    const list = blocks[key];
    if (!list || GRAPH_TABLES.includes(key)) continue;
    const fields = (meta as unknown as Record<string, string[] | undefined>)[TABLES[key]!.fields];
    if (!fields) continue;
    const width = fields.length;
    const flat = new Float64Array(list.reduce((n, b) => n + b.count, 0) * width);
    let start = 0;
    for (const block of list) {
      const columns = block.columns;
      for (const column of columns) {
        const f = fields.indexOf(column[0]);
        if (f < 0) continue;
        const multiplier = NODE_OFFSET_FIELDS.includes(column[0]) ? nodeFieldCount : 1;
        try {
          decodeColumn(column, block.count, flat, start, width, f, null, multiplier);
        } catch (error) {
          throw asReadError(error, file, block.offset, `a well-formed column "${column[0]}"`);
        }
      }
      start += block.count;
    }
    out[key] = flat;
  }
  return out;
}

async function decodeBody(
  file: string,
  frame: Frame,
  inflate: ReadOptions["inflate"],
): Promise<Record<string, unknown>> {
  let raw: Uint8Array;
  try {
    raw = inflate ? inflate(frame.body, frame.rawLength) : await inflateAsync(frame.body);
  } catch {
    throw new SnapshotReadError(file, frame.offset, expectedBody(frame));
  }
  return unpackBody(file, frame, raw);
}

/** The browser's way: DecompressionStream, asynchronous. */
async function inflateAsync(body: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([body as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Splits the byte stream into sections, holding at most one section's bytes at a time. */
class FrameStream {
  /** File offset up to which every section was complete. */
  completeUpTo = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  private bufferStart = 0;

  constructor(private readonly source: ByteSource) {}

  async *frames(options: ReadOptions): AsyncGenerator<Frame> {
    let done = 0;
    let headerChecked = false;
    for await (const chunk of this.source.chunks()) {
      this.append(chunk);
      done += chunk.byteLength;
      options.onProgress?.(done, this.source.size);
      if (!headerChecked) {
        if (this.buffer.length < HMAT_HEADER_SIZE) continue;
        this.checkHeader();
        headerChecked = true;
      }
      for (;;) {
        const frame = this.next();
        if (!frame) break;
        yield frame;
      }
    }
    if (!headerChecked) {
      if (!isHmat(this.buffer))
        throw new SnapshotReadError(this.source.name, 0, "the .hmat magic 'HMAT'");
      throw new SnapshotReadError(this.source.name, this.buffer.length, "an 8-byte header", true);
    }
  }

  private checkHeader(): void {
    if (!isHmat(this.buffer))
      throw new SnapshotReadError(this.source.name, 0, "the .hmat magic 'HMAT'");
    if (this.buffer[4] !== HMAT_VERSION)
      throw new SnapshotReadError(
        this.source.name,
        4,
        `format version ${HMAT_VERSION} (this reader is too old for version ${this.buffer[4]})`,
      );
    this.consume(HMAT_HEADER_SIZE);
    this.completeUpTo = this.bufferStart;
  }

  private append(chunk: Uint8Array): void {
    if (this.buffer.length === 0) {
      this.buffer = chunk;
      return;
    }
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
  }

  private consume(n: number): void {
    this.buffer = this.buffer.subarray(n);
    this.bufferStart += n;
  }

  /** The next complete section, or null when more bytes are needed. */
  private next(): Frame | null {
    const b = this.buffer;
    const header = frameHeader(b, (at, expected) => {
      throw new SnapshotReadError(this.source.name, this.bufferStart + at, expected);
    });
    if (!header) return null;
    const { at, length } = header;
    if (b.length < at + length) return null;
    const frame: Frame = {
      tag: header.tag,
      rawLength: header.rawLength,
      body: b.slice(at, at + length),
      offset: this.bufferStart,
    };
    this.consume(at + length);
    this.completeUpTo = this.bufferStart;
    return frame;
  }
}

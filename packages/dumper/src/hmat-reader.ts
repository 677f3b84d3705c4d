// The dumper's own .hmat decoder (no dependencies): back to V8's flat layout, for
// `heapmat-dump convert x.hmat x.heapsnapshot` and for tests. The analyzer has its own reader.
import { builtin } from "./builtin.js";
import {
  Encoding,
  HMAT_HEADER_SIZE,
  HMAT_VERSION,
  isHmat,
  NODE_OFFSET_FIELDS,
  Section,
  TABLES,
} from "./format.js";
import {
  decodeColumn,
  type EdgeContext,
  indexKinds,
  type RawColumn,
  type StringEntry,
  type StringsBlock,
  unpackStrings,
} from "./format-columns.js";
import { MsgPackError, MsgPackReader } from "./msgpack.js";

const inflate = (bytes: Uint8Array) =>
  builtin<typeof import("node:zlib")>("zlib").inflateSync(bytes);

/** Bad or truncated .hmat input, naming the file and the byte offset. */
export class HmatFormatError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly expected: string,
    readonly truncated = false,
  ) {
    super(
      `${file}: at byte ${offset}: expected ${expected}${truncated ? " (the file is truncated)" : ""}`,
    );
  }
}

export type { StringEntry };

export interface DecodedHmat {
  info: Record<string, unknown>;
  /** V8's `snapshot` header (meta, counts). */
  snapshot: { meta: Record<string, unknown> & { node_fields: string[] } } & Record<string, unknown>;
  /** V8's flat tables by JSON key (nodes, edges, locations, ...), offsets restored. */
  tables: Record<string, Float64Array>;
  strings: StringEntry[];
  traceTree: unknown[] | null;
  /** Other top-level V8 members, in order. */
  extra: Array<{ key: string; value: unknown }>;
  trailer: Record<string, number>;
}

interface Frame {
  tag: string;
  body: Uint8Array;
  offset: number;
}

/** Splits the file into frames without inflating them. */
function* frames(bytes: Uint8Array, file: string): Generator<Frame> {
  if (!isHmat(bytes)) throw new HmatFormatError(file, 0, "the .hmat magic 'HMAT'");
  if (bytes.length < HMAT_HEADER_SIZE)
    throw new HmatFormatError(file, bytes.length, "an 8-byte header", true);
  if (bytes[4] !== HMAT_VERSION)
    throw new HmatFormatError(file, 4, `format version ${HMAT_VERSION}, found ${bytes[4]}`);
  let at = HMAT_HEADER_SIZE;
  while (at < bytes.length) {
    const reader = new MsgPackReader(bytes, at);
    let tag: unknown;
    let body: unknown;
    try {
      if (bytes[at] !== 0x93) throw new MsgPackError(at, "");
      reader.offset++;
      tag = reader.value();
      reader.value();
      body = reader.value();
    } catch (error) {
      // Running out of bytes inside a section means the writer never finished.
      const truncated = error instanceof MsgPackError && /end of the data/.test(error.message);
      throw new HmatFormatError(file, at, "a section [tag, rawLength, body]", truncated);
    }
    if (typeof tag !== "string" || !(body instanceof Uint8Array))
      throw new HmatFormatError(file, at, "a section [tag, rawLength, body]");
    yield { tag, body, offset: at };
    at = reader.offset;
  }
}

export function decodeHmat(bytes: Uint8Array, file = "<hmat>"): DecodedHmat {
  const out: DecodedHmat = {
    info: {},
    snapshot: { meta: { node_fields: [] } },
    tables: {},
    strings: [],
    traceTree: null,
    extra: [],
    trailer: {},
  };
  const parts: Record<string, Array<{ count: number; columns: RawColumn[] }>> = {};
  let ended = false;
  for (const frame of frames(bytes, file)) {
    if (ended) throw new HmatFormatError(file, frame.offset, "nothing after the trailer");
    let value: Record<string, unknown>;
    try {
      value = new MsgPackReader(inflate(frame.body)).value() as Record<string, unknown>;
    } catch {
      throw new HmatFormatError(file, frame.offset, `a zlib-compressed "${frame.tag}" section`);
    }
    switch (frame.tag) {
      case Section.Info:
        out.info = value;
        break;
      case Section.V8:
        out.snapshot = value as DecodedHmat["snapshot"];
        break;
      case Section.TraceTree:
        out.traceTree = value.tree as unknown[];
        break;
      case Section.Strings:
        for (const s of unpackStrings(value as unknown as StringsBlock)) out.strings.push(s);
        break;
      case Section.Json:
        out.extra.push(value as { key: string; value: unknown });
        break;
      case Section.End:
        out.trailer = value as Record<string, number>;
        ended = true;
        break;
      default: {
        const key = Object.keys(TABLES).find((k) => TABLES[k]!.section === frame.tag);
        if (key) {
          parts[key] ??= [];
          parts[key].push(value as { count: number; columns: RawColumn[] });
        }
      }
    }
  }
  if (!ended) throw new HmatFormatError(file, bytes.length, 'the trailer section "end"', true);

  const nodeFieldCount = out.snapshot.meta.node_fields.length;
  for (const [key, blocks] of Object.entries(parts)) {
    const fields = out.snapshot.meta[TABLES[key]!.fields] as string[];
    const width = fields.length;
    const rows = blocks.reduce((sum, b) => sum + b.count, 0);
    const flat = new Float64Array(rows * width);
    let start = 0;
    const edgeOwners =
      key === "edges" ? ownersOf(out.tables.nodes, out.snapshot.meta.node_fields) : null;
    const indexKind = indexKinds(
      (out.snapshot.meta.edge_types as [string[]] | undefined)?.[0] ?? [],
    );
    for (const block of blocks) {
      const edges: EdgeContext | null = edgeOwners
        ? {
            owner: edgeOwners.subarray(start, start + block.count),
            type: fields.indexOf("type"),
            name: fields.indexOf("name_or_index"),
            indexKind,
          }
        : null;
      // Slot deltas read the edge's type and name: decode them first.
      const columns = [...block.columns].sort(
        (a, b) => Number(a[1] === Encoding.SlotDelta) - Number(b[1] === Encoding.SlotDelta),
      );
      for (const column of columns) {
        const f = fields.indexOf(column[0]);
        if (f < 0) continue;
        const multiplier = NODE_OFFSET_FIELDS.includes(column[0]) ? nodeFieldCount : 1;
        decodeColumn(column, block.count, flat, start, width, f, edges, multiplier);
      }
      start += block.count;
    }
    out.tables[key] = flat;
  }
  return out;
}

/** Owning node index of every edge, from the nodes' edge counts. */
function ownersOf(nodes: Float64Array | undefined, nodeFields: string[]): Uint32Array {
  if (!nodes) return new Uint32Array(0);
  const width = nodeFields.length;
  const at = nodeFields.indexOf("edge_count");
  let total = 0;
  for (let o = at; o < nodes.length; o += width) total += nodes[o]!;
  const owners = new Uint32Array(total);
  let e = 0;
  for (let n = 0, o = at; o < nodes.length; n++, o += width)
    for (let k = nodes[o]!; k > 0; k--) owners[e++] = n;
  return owners;
}

/** How a stored string entry reads back. */
export function entryText(entry: StringEntry): string {
  if (typeof entry === "string") return entry;
  if (typeof entry === "number") return `<redacted: ${entry} characters>`;
  return entry[0];
}

/** Writes the decoded snapshot as V8 .heapsnapshot JSON, piece by piece. */
export function writeV8Json(decoded: DecodedHmat, write: (text: string) => void): void {
  write(`{"snapshot":${JSON.stringify(decoded.snapshot)}`);
  const order = ["nodes", "edges", "trace_function_infos", "trace_tree", "samples", "locations"];
  for (const key of order) {
    if (key === "trace_tree") {
      if (decoded.traceTree) write(`,\n"trace_tree":${JSON.stringify(decoded.traceTree)}`);
      continue;
    }
    const flat = decoded.tables[key];
    if (!flat) continue;
    const width = (decoded.snapshot.meta[TABLES[key]!.fields] as string[]).length;
    write(`,\n"${key}":[`);
    const step = width * 4096;
    for (let i = 0; i < flat.length; i += step) {
      const rows: string[] = [];
      for (let r = i; r < Math.min(i + step, flat.length); r += width)
        rows.push(Array.prototype.join.call(flat.subarray(r, r + width), ","));
      write((i === 0 ? "" : ",\n") + rows.join(",\n"));
    }
    write("]");
  }
  for (const { key, value } of decoded.extra)
    write(`,\n${JSON.stringify(key)}:${JSON.stringify(value)}`);
  write(`,\n"strings":[`);
  const strings = decoded.strings;
  for (let i = 0; i < strings.length; i += 4096)
    write(
      (i === 0 ? "" : ",\n") +
        strings
          .slice(i, i + 4096)
          .map((s) => JSON.stringify(entryText(s)))
          .join(",\n"),
    );
  write("]}\n");
}

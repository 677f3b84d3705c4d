// Turns a V8 heap snapshot, streamed through V8JsonParser, into .hmat sections (FORMAT.md).
import { builtin } from "./builtin.js";
import { ByteBuffer, writeColumnBlock, writeStringsBlock } from "./columns.js";
import {
  HMAT_HEADER_SIZE,
  HMAT_VERSION,
  ROWS_PER_BLOCK,
  Section,
  type SectionTag,
  STRINGS_PER_BLOCK,
  TABLES,
} from "./format.js";
import { type EdgeContext, indexKinds, type StringEntry } from "./format-columns.js";
import { MsgPackWriter } from "./msgpack.js";
import { InvalidSnapshot, type V8JsonHandler } from "./v8-parser.js";

export interface HmatWriterOptions {
  /** The metadata record (FORMAT.md, `info`). */
  info: Record<string, unknown>;
  /** Leave out the contents of string values, keeping their lengths. */
  redact?: boolean;
  /** Keep at most this many UTF-16 units of each string. */
  maxString?: number;
  /** zlib level, 1..9. */
  level?: number;
}

interface V8Snapshot {
  meta: Record<string, unknown> & { node_fields: string[]; node_types: [string[]] };
  node_count?: number;
}

const VALUE = 1;
const KEEP = 2;

/** Counts of what a writer produced. */
export interface HmatTotals {
  bytes: number;
  nodes: number;
  edges: number;
  strings: number;
}

/** Bytes go to `sink` in order; the caller owns the file. */
export class HmatWriter implements V8JsonHandler {
  readonly totals: HmatTotals = { bytes: 0, nodes: 0, edges: 0, strings: 0 };
  private sections = 0;
  private readonly msg = new MsgPackWriter();
  private readonly scratch = new ByteBuffer();
  private readonly level: number;
  private snapshot: V8Snapshot | null = null;
  private nodeFieldCount = 1;

  // The table being streamed.
  private table = "";
  private fields: string[] = [];
  private width = 1;
  private rows: Float64Array = new Float64Array(0);
  private filled = 0;
  private tableBlocks = 0;

  // Edge owners: per-node edge counts, and where the edge stream stands in them.
  private edgeCounts = new Uint32Array(0);
  private ownerNode = 0;
  private ownerLeft = 0;
  private readonly owners = new Uint32Array(ROWS_PER_BLOCK);

  // Redaction: per string index, VALUE when it is a string's content, KEEP when it also names
  // a property, a constructor, a function... (those stay readable).
  private stringUse = new Uint8Array(0);
  private stringKinds = new Uint8Array(0);
  private seenNodes = false;

  private stringBlock: StringEntry[] = [];
  private stringBlockChars = 0;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly options: HmatWriterOptions,
  ) {
    this.level = options.level ?? 6;
    const header = new Uint8Array(HMAT_HEADER_SIZE);
    header.set([0x48, 0x4d, 0x41, 0x54, HMAT_VERSION]);
    this.emit(header);
    const info = { ...options.info };
    if (options.redact) info.redacted = true;
    if (options.maxString !== undefined) info.maxString = options.maxString;
    this.section(Section.Info, (m) => m.value(info));
  }

  member(key: string): "numbers" | "strings" | "value" {
    if (key === "strings") {
      this.stringBlock = [];
      this.stringBlockChars = 0;
      return "strings";
    }
    const table = TABLES[key];
    if (!table || !this.snapshot) return "value";
    const fields = this.snapshot.meta[table.fields];
    if (!Array.isArray(fields) || fields.length === 0) return "value";
    this.table = key;
    this.fields = fields as string[];
    this.width = fields.length;
    this.rows = new Float64Array(ROWS_PER_BLOCK * this.width);
    this.filled = 0;
    this.tableBlocks = 0;
    if (key === "nodes") {
      this.seenNodes = true;
      this.edgeCounts = new Uint32Array(Math.max(this.snapshot.node_count ?? 0, 1024));
    }
    return "numbers";
  }

  number(value: number): void {
    this.rows[this.filled++] = value;
    if (this.filled === this.rows.length) this.flushRows();
  }

  endMember(key: string): void {
    if (key === "strings") this.flushStrings();
    else {
      this.flushRows();
      // An empty table still gets a block, so it reads back as present and empty.
      if (this.tableBlocks === 0) this.flushRows(true);
      this.table = "";
      this.rows = new Float64Array(0);
    }
  }

  value(key: string, value: unknown): void {
    if (key === "snapshot") {
      const meta = (value as Partial<V8Snapshot> | null)?.meta;
      const layouts = ["node_fields", "node_types", "edge_fields", "edge_types"];
      if (
        !meta ||
        !layouts.every((k) => Array.isArray(meta[k]) && (meta[k] as unknown[]).length > 0)
      )
        throw new InvalidSnapshot(`a "snapshot" header whose meta has ${layouts.join(", ")}`);
      this.snapshot = value as V8Snapshot;
      this.nodeFieldCount = this.snapshot.meta.node_fields.length;
      // Node kinds whose names are string values (and a regexp's, its pattern, which may hold
      // a literal secret): redacted when asked.
      const kinds = this.snapshot.meta.node_types[0];
      this.stringKinds = new Uint8Array(kinds.length);
      kinds.forEach((kind, k) => {
        this.stringKinds[k] = /string$/.test(kind) || kind === "regexp" ? 1 : 0;
      });
      this.section(Section.V8, (m) => m.value(value));
    } else if (key === "trace_tree")
      this.section(Section.TraceTree, (m) => m.value({ tree: value }));
    else this.section(Section.Json, (m) => m.value({ key, value }));
  }

  string(value: string): void {
    const index = this.totals.strings++;
    let entry: StringEntry = value;
    if (this.options.redact && (!this.seenNodes || this.stringUse[index] === VALUE))
      entry = value.length;
    else if (this.options.maxString !== undefined && value.length > this.options.maxString)
      entry = [value.slice(0, this.options.maxString), value.length];
    this.stringBlock.push(entry);
    this.stringBlockChars += typeof entry === "string" ? entry.length : 8;
    if (this.stringBlock.length >= STRINGS_PER_BLOCK || this.stringBlockChars >= 1 << 22)
      this.flushStrings();
  }

  /** Writes the trailer. Call once, after the parser has seen the whole snapshot. */
  finish(): HmatTotals {
    const { nodes, edges, strings } = this.totals;
    const sections = this.sections;
    this.section(Section.End, (m) => m.value({ nodes, edges, strings, sections }));
    return this.totals;
  }

  private flushStrings(): void {
    if (this.stringBlock.length === 0) return;
    const first = this.totals.strings - this.stringBlock.length;
    const entries = this.stringBlock;
    this.section(Section.Strings, (m) => writeStringsBlock(m, first, entries, this.scratch));
    this.stringBlock = [];
    this.stringBlockChars = 0;
  }

  private flushRows(evenEmpty = false): void {
    const rows = Math.floor(this.filled / this.width);
    if (rows === 0 && !evenEmpty) return;
    this.tableBlocks++;
    const table = this.table;
    if (table === "nodes") this.noteNodes(rows);
    let edges: EdgeContext | null = null;
    if (table === "edges") {
      const edgeTypes = (this.snapshot!.meta.edge_types as [string[]])[0];
      edges = {
        owner: this.edgeOwners(rows),
        type: this.fields.indexOf("type"),
        name: this.fields.indexOf("name_or_index"),
        indexKind: indexKinds(edgeTypes),
      };
      if (this.options.redact) this.noteEdgeNames(rows, edges);
    }
    const flat = this.rows;
    this.section(TABLES[table]!.section, (m) =>
      writeColumnBlock(m, table, this.fields, flat, rows, this.nodeFieldCount, edges, this.scratch),
    );
    if (table === "nodes") this.totals.nodes += rows;
    else if (table === "edges") this.totals.edges += rows;
    // Keep a partial row (never happens with V8's output) for the next block.
    const rest = this.filled - rows * this.width;
    flat.copyWithin(0, rows * this.width, this.filled);
    this.filled = rest;
  }

  /** Remembers each node's edge count (for edge owners) and the names of string values. */
  private noteNodes(rows: number): void {
    const f = this.fields;
    const type = f.indexOf("type");
    const name = f.indexOf("name");
    const edgeCount = f.indexOf("edge_count");
    const base = this.totals.nodes;
    if (base + rows > this.edgeCounts.length) {
      const grown = new Uint32Array(Math.max((base + rows) * 2, 1024));
      grown.set(this.edgeCounts);
      this.edgeCounts = grown;
    }
    for (let r = 0, o = 0; r < rows; r++, o += this.width) {
      this.edgeCounts[base + r] = edgeCount >= 0 ? this.rows[o + edgeCount]! : 0;
      if (this.options.redact)
        this.useString(
          this.rows[o + name]!,
          this.stringKinds[this.rows[o + type]!] === 1 ? VALUE : KEEP,
        );
    }
  }

  /** Edges named by a string (properties, internals) keep that string readable. */
  private noteEdgeNames(rows: number, edges: EdgeContext): void {
    for (let r = 0, o = 0; r < rows; r++, o += this.width)
      if (edges.indexKind[this.rows[o + edges.type]!] !== 1)
        this.useString(this.rows[o + edges.name]!, KEEP);
  }

  private useString(index: number, use: number): void {
    if (index >= this.stringUse.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.stringUse.length * 2, 1024));
      grown.set(this.stringUse);
      this.stringUse = grown;
    }
    this.stringUse[index]! |= use;
  }

  /** The owning node index of each of the next `rows` edges. */
  private edgeOwners(rows: number): Uint32Array {
    const owners = this.owners;
    const counts = this.edgeCounts;
    const nodes = this.totals.nodes;
    for (let r = 0; r < rows; r++) {
      while (this.ownerLeft === 0 && this.ownerNode < nodes)
        this.ownerLeft = counts[this.ownerNode++]!;
      owners[r] = this.ownerNode - 1;
      this.ownerLeft--;
    }
    return owners;
  }

  private section(tag: SectionTag, body: (m: MsgPackWriter) => void): void {
    const m = this.msg;
    m.reset();
    body(m);
    const raw = m.result();
    const compressed = builtin<typeof import("node:zlib")>("zlib").deflateSync(raw, {
      level: this.level,
    });
    m.reset();
    m.arrayHeader(3);
    m.string(tag);
    m.number(raw.length);
    m.binaryHeader(compressed.length);
    this.emit(m.result().slice());
    this.emit(compressed);
    if (tag !== Section.End) this.sections++;
  }

  private emit(bytes: Uint8Array): void {
    this.totals.bytes += bytes.length;
    this.sink(bytes);
  }
}

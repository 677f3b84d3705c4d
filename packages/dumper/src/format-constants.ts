// Constants of the .hmat format (see FORMAT.md).

/** First four bytes of every .hmat file. */
export const HMAT_MAGIC = "HMAT";
/** The format version this package writes and reads (header byte 4). */
export const HMAT_VERSION = 1;
/** Magic, version byte, three reserved zero bytes. */
export const HMAT_HEADER_SIZE = 8;

/** Section tags, in file order. Readers skip tags they do not know. */
export const Section = {
  Info: "info",
  V8: "v8",
  Nodes: "nodes",
  Edges: "edges",
  TraceFunctionInfos: "trace_function_infos",
  TraceTree: "trace_tree",
  Samples: "samples",
  Locations: "locations",
  Strings: "strings",
  Json: "json",
  End: "end",
} as const;
export type SectionTag = (typeof Section)[keyof typeof Section];

/** How a column's values are coded in its `bin`. */
export const Encoding = {
  /** Unsigned LEB128 varints. */
  Varint: 0,
  /** Zigzag LEB128 of the difference to the previous value in the block. */
  Delta: 1,
  /** Edges' targets: zigzag LEB128 of the target node index minus its prediction (FORMAT.md). */
  SlotDelta: 2,
  /** One byte per value. */
  Bytes: 3,
} as const;
export type ColumnEncoding = (typeof Encoding)[keyof typeof Encoding];

/** V8 table columns stored as node indexes instead of offsets into the flat nodes array. */
export const NODE_OFFSET_FIELDS: readonly string[] = ["to_node", "object_index"];

/** V8's JSON top-level members that map to column-block sections, with their layout in `meta`. */
export const TABLES: Readonly<Record<string, { section: SectionTag; fields: string }>> = {
  nodes: { section: Section.Nodes, fields: "node_fields" },
  edges: { section: Section.Edges, fields: "edge_fields" },
  trace_function_infos: {
    section: Section.TraceFunctionInfos,
    fields: "trace_function_info_fields",
  },
  samples: { section: Section.Samples, fields: "sample_fields" },
  locations: { section: Section.Locations, fields: "location_fields" },
};

/** Rows per column block the dumper writes (keeps each section's memory bounded). */
export const ROWS_PER_BLOCK = 1 << 16;
/** Strings per strings block. */
export const STRINGS_PER_BLOCK = 1 << 17;

/** True when `bytes` start with the .hmat magic. */
export function isHmat(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x48 &&
    bytes[1] === 0x4d &&
    bytes[2] === 0x41 &&
    bytes[3] === 0x54
  );
}

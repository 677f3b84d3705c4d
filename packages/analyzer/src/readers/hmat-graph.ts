// Builds the heap graph straight from .hmat column blocks: each column is decoded once into the
// graph's own typed arrays (node indexes, not V8's flat offsets), with no V8-layout table between.
// The graph's columns live on shared memory, so index building hands them to a thread uncopied.
import {
  type ColumnTarget,
  decodeColumnInto,
  type EdgeRows,
  Encoding,
  indexKinds,
  type RawColumn,
} from "@heapmat/dumper/format";
import type { AllocationTrace, DumpInfo, HeapGraph, LocationColumns } from "../graph/heap-graph.js";
import { sharedArray } from "../graph/shared-memory.js";
import { SnapshotReadError } from "./source.js";
import { allocationTrace, edgeKindIsIndexOf, flattenTraceTree, type V8Meta } from "./v8-columns.js";

export interface Block {
  count: number;
  columns: RawColumn[];
  /** Where its section starts in the file, for errors. */
  offset: number;
}

/** The column-block tables decoded straight into the graph. */
export const GRAPH_TABLES: readonly string[] = ["nodes", "edges", "locations"];

export interface HmatParts {
  file: string;
  meta: V8Meta;
  info: DumpInfo;
  /** Node, edge and location blocks, in file order. */
  nodes: Block[];
  edges: Block[];
  locations?: Block[];
  strings: string[];
  /** V8's other tables (function infos: small), decoded flat after nodes and edges. */
  otherTables: () => Record<string, Float64Array>;
  traceTree?: unknown[];
  idsOnly?: boolean;
  salvage?: boolean;
}

/** The graph of a .hmat file's parts. Throws on a column that does not decode. */
export function graphFromHmat(parts: HmatParts): HeapGraph {
  const { meta } = parts;
  const nodeFields = meta.node_fields;
  const nodeCount = parts.nodes.reduce((n, b) => n + b.count, 0);
  const nodeKind = sharedArray(Uint8Array, nodeCount);
  const nodeName = sharedArray(Uint32Array, nodeCount);
  const nodeId = sharedArray(Float64Array, nodeCount);
  const nodeSelfSize = sharedArray(Float64Array, nodeCount);
  const edgeCounts = new Float64Array(nodeCount);
  const nodeTraceId = nodeFields.includes("trace_node_id")
    ? sharedArray(Uint32Array, nodeCount)
    : null;
  const nodeDetachedness = nodeFields.includes("detachedness")
    ? sharedArray(Uint8Array, nodeCount)
    : null;
  const nodeTargets: Record<string, ColumnTarget | null> = {
    type: nodeKind,
    name: nodeName,
    id: nodeId,
    self_size: nodeSelfSize,
    edge_count: edgeCounts,
    trace_node_id: nodeTraceId,
    detachedness: nodeDetachedness,
  };
  decodeBlocks(parts.file, parts.nodes, nodeFields, nodeTargets, null);

  // Each node's edges, clamped to the edges present (idsOnly: none; salvage: what was complete).
  const edgeRows = parts.idsOnly ? 0 : parts.edges.reduce((n, b) => n + b.count, 0);
  const firstEdge = sharedArray(Uint32Array, nodeCount + 1);
  let left = edgeRows;
  for (let i = 0; i < nodeCount; i++) {
    const take = Math.max(0, Math.min(edgeCounts[i]!, left));
    firstEdge[i + 1] = firstEdge[i]! + take;
    left -= take;
  }
  const edgeKind = sharedArray(Uint8Array, edgeRows);
  const edgeName = sharedArray(Uint32Array, edgeRows);
  const edgeTarget = sharedArray(Uint32Array, edgeRows);
  if (!parts.idsOnly)
    decodeBlocks(
      parts.file,
      parts.edges,
      meta.edge_fields,
      { type: edgeKind, name_or_index: edgeName, to_node: edgeTarget },
      { firstEdge, kinds: edgeKind, names: edgeName, indexKind: indexKinds(meta.edge_types[0]) },
    );

  const strings = parts.strings;
  // A salvaged file may lack strings that names refer to.
  let names = strings.length;
  for (let i = 0; i < nodeCount; i++) if (nodeName[i]! >= names) names = nodeName[i]! + 1;
  if (parts.salvage) {
    const indexKind = indexKinds(meta.edge_types[0]);
    for (let e = 0; e < edgeRows; e++)
      if (indexKind[edgeKind[e]!] === 0 && edgeName[e]! >= names) names = edgeName[e]! + 1;
  }
  // Bounded by the tables' size: a corrupt name index is an error later, not an allocation.
  const cells = nodeCount * nodeFields.length + edgeRows * meta.edge_fields.length;
  if (names - strings.length <= cells) while (strings.length < names) strings.push("");

  const tables = parts.otherTables();
  const edgeKinds = meta.edge_types[0];
  return {
    info: parts.info,
    nodeCount,
    edgeCount: edgeRows,
    strings,
    nodeKinds: meta.node_types[0],
    edgeKinds,
    edgeKindIsIndex: edgeKindIsIndexOf(edgeKinds),
    nodeKind,
    nodeName,
    nodeId,
    nodeSelfSize,
    nodeTraceId,
    nodeDetachedness,
    firstEdge,
    edgeKind,
    edgeName,
    edgeTarget,
    rootIndex: 0,
    locations: parts.locations ? locations(parts.file, meta, parts.locations) : null,
    trace:
      tables.trace_function_infos && parts.traceTree
        ? trace(meta, tables.trace_function_infos, parts.traceTree)
        : null,
  };
}

/** V8's locations, decoded straight into columns (object_index is stored as a node index). */
function locations(file: string, meta: V8Meta, blocks: Block[]): LocationColumns | null {
  if (!meta.location_fields) return null;
  const count = blocks.reduce((n, b) => n + b.count, 0);
  const columns: LocationColumns = {
    node: new Uint32Array(count),
    scriptId: new Uint32Array(count),
    line: new Uint32Array(count),
    column: new Uint32Array(count),
  };
  const { node, scriptId, line, column } = columns;
  const targets = { object_index: node, script_id: scriptId, line, column };
  decodeBlocks(file, blocks, meta.location_fields, targets, null);
  return columns;
}

function trace(meta: V8Meta, infos: Float64Array, tree: unknown[]): AllocationTrace {
  return allocationTrace(meta, infos, flattenTraceTree(meta, tree));
}

interface EdgeContext {
  /** Each node's first edge row, and the end of the last one's (edges beyond are ownerless). */
  firstEdge: Uint32Array;
  kinds: Uint8Array;
  names: Uint32Array;
  indexKind: Uint8Array;
}

/** Decodes every block's known columns straight into their targets, rows laid end to end. */
function decodeBlocks(
  file: string,
  blocks: Block[],
  fields: readonly string[],
  targets: Record<string, ColumnTarget | null>,
  edges: EdgeContext | null,
): void {
  const owners = edges && new Uint32Array(Math.max(0, ...blocks.map((b) => b.count)));
  let start = 0;
  for (const block of blocks) {
    const rows: EdgeRows | null = edges && {
      owner: blockOwners(edges.firstEdge, start, owners!.subarray(0, block.count)),
      type: edges.kinds.subarray(start, start + block.count),
      name: edges.names.subarray(start, start + block.count),
      indexKind: edges.indexKind,
    };
    // Slot deltas read the edge's type and name: decode those first.
    const columns = [...block.columns].sort(
      (a, b) => Number(a[1] === Encoding.SlotDelta) - Number(b[1] === Encoding.SlotDelta),
    );
    for (const column of columns) {
      const target = fields.includes(column[0]) ? targets[column[0]] : null;
      if (!target) continue;
      try {
        decodeColumnInto(column, block.count, target, start, rows);
      } catch (error) {
        const reason = error instanceof Error ? ` (${error.message})` : "";
        throw new SnapshotReadError(
          file,
          block.offset,
          `a well-formed column "${column[0]}"${reason}`,
        );
      }
    }
    start += block.count;
  }
}

/**
 * Fills `out` with the owning node of edge rows start.., found from the nodes' first edges (rows
 * past the last node's edges get the last node: the graph check rejects such a file anyway).
 */
function blockOwners(firstEdge: Uint32Array, start: number, out: Uint32Array): Uint32Array {
  const last = firstEdge.length - 2;
  if (last < 0) return out.fill(0);
  // The last node whose edges start at or before `start`.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (firstEdge[mid]! <= start) lo = mid;
    else hi = mid - 1;
  }
  let node = lo;
  let end = firstEdge[node + 1]!;
  for (let r = 0; r < out.length; r++) {
    while (start + r >= end && node < last) end = firstEdge[++node + 1]!;
    out[r] = node;
  }
  return out;
}

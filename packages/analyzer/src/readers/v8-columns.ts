import type { AllocationTrace, DumpInfo, HeapGraph, LocationColumns } from "../graph/heap-graph.js";

/** The `snapshot.meta` of a V8 heap snapshot: field layouts and enumerations vary by Node version. */
export interface V8Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  trace_function_info_fields?: string[];
  trace_node_fields?: string[];
  location_fields?: string[];
}

/** A V8 snapshot's flat arrays, as in the JSON file (or as decoded from .hmat). */
export interface V8Columns {
  meta: V8Meta;
  nodes: ArrayLike<number>;
  edges: ArrayLike<number>;
  strings: string[];
  locations?: ArrayLike<number>;
  traceFunctionInfos?: ArrayLike<number>;
  /** V8's nested trace tree: [id, function_info_index, count, size, [children...]] per node. */
  traceTree?: unknown[];
}

/** Builds the format-neutral graph from V8's flat layout, reading every offset from `meta`. */
export function graphFromV8Columns(columns: V8Columns, info: DumpInfo): HeapGraph {
  const { meta, nodes, edges, strings } = columns;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const field = (fields: string[], name: string) => fields.indexOf(name);
  const nType = field(meta.node_fields, "type");
  const nName = field(meta.node_fields, "name");
  const nId = field(meta.node_fields, "id");
  const nSize = field(meta.node_fields, "self_size");
  const nEdges = field(meta.node_fields, "edge_count");
  const nTrace = field(meta.node_fields, "trace_node_id");
  const nDetached = field(meta.node_fields, "detachedness");
  const eType = field(meta.edge_fields, "type");
  const eName = field(meta.edge_fields, "name_or_index");
  const eTo = field(meta.edge_fields, "to_node");

  const nodeCount = Math.floor(nodes.length / nodeFieldCount);
  const edgeCount = Math.floor(edges.length / edgeFieldCount);
  const nodeKind = new Uint8Array(nodeCount);
  const nodeName = new Uint32Array(nodeCount);
  const nodeId = new Float64Array(nodeCount);
  const nodeSelfSize = new Float64Array(nodeCount);
  const nodeTraceId = nTrace >= 0 ? new Uint32Array(nodeCount) : null;
  const nodeDetachedness = nDetached >= 0 ? new Uint8Array(nodeCount) : null;
  const firstEdge = new Uint32Array(nodeCount + 1);
  let edgeTotal = 0;
  for (let i = 0, o = 0; i < nodeCount; i++, o += nodeFieldCount) {
    nodeKind[i] = nodes[o + nType]!;
    nodeName[i] = nodes[o + nName]!;
    nodeId[i] = nodes[o + nId]!;
    nodeSelfSize[i] = nodes[o + nSize]!;
    if (nodeTraceId) nodeTraceId[i] = nodes[o + nTrace]!;
    if (nodeDetachedness) nodeDetachedness[i] = nodes[o + nDetached]!;
    firstEdge[i] = edgeTotal;
    edgeTotal += nodes[o + nEdges]!;
  }
  firstEdge[nodeCount] = edgeTotal;

  const edgeKind = new Uint8Array(edgeCount);
  const edgeName = new Uint32Array(edgeCount);
  const edgeTarget = new Uint32Array(edgeCount);
  for (let e = 0, o = 0; e < edgeCount; e++, o += edgeFieldCount) {
    edgeKind[e] = edges[o + eType]!;
    edgeName[e] = edges[o + eName]!;
    edgeTarget[e] = edges[o + eTo]! / nodeFieldCount;
  }

  const edgeKinds = meta.edge_types[0];
  const edgeKindIsIndex = edgeKindIsIndexOf(edgeKinds);

  return {
    info,
    nodeCount,
    edgeCount,
    strings,
    nodeKinds: meta.node_types[0],
    edgeKinds,
    edgeKindIsIndex,
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
    locations: columns.locations ? locationColumns(meta, columns.locations, nodeFieldCount) : null,
    trace:
      columns.traceFunctionInfos && columns.traceTree
        ? allocationTrace(
            meta,
            columns.traceFunctionInfos,
            flattenTraceTree(meta, columns.traceTree),
          )
        : null,
  };
}

/** Per edge kind, 1 when its name_or_index is an element index (V8 `element`, `hidden`). */
export function edgeKindIsIndexOf(edgeKinds: readonly string[]): Uint8Array {
  return Uint8Array.from(edgeKinds, (kind) => (kind === "element" || kind === "hidden" ? 1 : 0));
}

/** V8's `locations`, flat, as columns. */
export function locationColumns(
  meta: V8Meta,
  flat: ArrayLike<number>,
  nodeFieldCount: number,
): LocationColumns {
  const fields = meta.location_fields ?? ["object_index", "script_id", "line", "column"];
  const width = fields.length;
  const count = Math.floor(flat.length / width);
  const at = [
    fields.indexOf("object_index"),
    fields.indexOf("script_id"),
    fields.indexOf("line"),
    fields.indexOf("column"),
  ];
  const columns: LocationColumns = {
    node: new Uint32Array(count),
    scriptId: new Uint32Array(count),
    line: new Uint32Array(count),
    column: new Uint32Array(count),
  };
  for (let i = 0, o = 0; i < count; i++, o += width) {
    // object_index is an offset into the nodes array, like to_node.
    columns.node[i] = flat[o + at[0]!]! / nodeFieldCount;
    columns.scriptId[i] = flat[o + at[1]!]!;
    columns.line[i] = flat[o + at[2]!]!;
    columns.column[i] = flat[o + at[3]!]!;
  }
  return columns;
}

/** The trace tree flattened in pre-order (parents before children); parent -1 for a root. */
export interface TraceTreeColumns {
  id: Uint32Array;
  parent: Int32Array;
  functionInfo: Uint32Array;
  count: Uint32Array;
  size: Float64Array;
}

export function traceNodeFieldsOf(meta: V8Meta): string[] {
  return meta.trace_node_fields ?? ["id", "function_info_index", "count", "size", "children"];
}

/** Flattens V8's nested trace tree in pre-order with an explicit stack: deep recursion is a real risk. */
export function flattenTraceTree(meta: V8Meta, tree: unknown[]): TraceTreeColumns {
  const fields = traceNodeFieldsOf(meta);
  const [tId, tInfo, tCount, tSize, tChildren] = [
    "id",
    "function_info_index",
    "count",
    "size",
    "children",
  ].map((name) => fields.indexOf(name)) as [number, number, number, number, number];
  const width = fields.length;
  const ids: number[] = [];
  const parents: number[] = [];
  const infoIndex: number[] = [];
  const counts: number[] = [];
  const sizes: number[] = [];
  // Each frame: a flat sibling list, the next offset in it, and the parent of its nodes.
  const stack: Array<{ flat: unknown[]; at: number; parent: number }> = [
    { flat: tree, at: 0, parent: -1 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.at + width > frame.flat.length) {
      stack.pop();
      continue;
    }
    const o = frame.at;
    frame.at += width;
    const self = ids.length;
    ids.push(frame.flat[o + tId] as number);
    parents.push(frame.parent);
    infoIndex.push(frame.flat[o + tInfo] as number);
    counts.push(frame.flat[o + tCount] as number);
    sizes.push(frame.flat[o + tSize] as number);
    const children = frame.flat[o + tChildren];
    if (Array.isArray(children) && children.length > 0)
      stack.push({ flat: children, at: 0, parent: self });
  }
  return {
    id: Uint32Array.from(ids),
    parent: Int32Array.from(parents),
    functionInfo: Uint32Array.from(infoIndex),
    count: Uint32Array.from(counts),
    size: Float64Array.from(sizes),
  };
}

/** The allocation trace: V8's function infos (flat) joined to the flattened tree. */
export function allocationTrace(
  meta: V8Meta,
  infos: ArrayLike<number>,
  tree: TraceTreeColumns,
): AllocationTrace {
  const infoFields = meta.trace_function_info_fields ?? [
    "function_id",
    "name",
    "script_name",
    "script_id",
    "line",
    "column",
  ];
  const width = infoFields.length;
  const infoCount = Math.floor(infos.length / width);
  const pick = (name: string) => {
    const at = infoFields.indexOf(name);
    const out = new Uint32Array(infoCount);
    if (at >= 0) for (let i = 0; i < infoCount; i++) out[i] = infos[i * width + at]!;
    return out;
  };
  return {
    ...tree,
    functionName: pick("name"),
    scriptName: pick("script_name"),
    scriptId: pick("script_id"),
    functionLine: pick("line"),
    functionColumn: pick("column"),
  };
}

// The one format-neutral heap model every reader produces and every query consumes.
// Columnar and typed: no object per node or edge, so 20M-node heaps fit and scan fast.

import type { LazyStrings } from "./lazy-strings.js";

/** What the dump says about the process it came from. All fields optional: formats differ. */
export interface DumpInfo {
  format: "hmat" | "heapsnapshot" | "pmat";
  file?: string;
  nodeVersion?: string;
  v8Version?: string;
  pid?: number;
  hostname?: string;
  argv?: string[];
  /** Unix ms. */
  startTime?: number;
  /** Unix ms. */
  dumpTime?: number;
  uptime?: number;
  reason?: string;
  label?: string;
  memoryUsage?: Record<string, number>;
  heapStatistics?: Record<string, number>;
  heapSpaces?: Record<string, number>;
  /** Anything else a format carries, passed through untouched. */
  extra?: Record<string, unknown>;
}

/** Where a closure's code is: V8's `locations` (0-based line and column). */
export interface LocationColumns {
  /** Node index per location. */
  node: Uint32Array;
  scriptId: Uint32Array;
  line: Uint32Array;
  column: Uint32Array;
}

/**
 * V8's allocation trace tree, flattened. Tree node t has function info `functionInfo[t]` and
 * parent `parent[t]` (-1 for the root); objects point at tree nodes through `HeapGraph.nodeTraceId`.
 */
export interface AllocationTrace {
  /** V8 trace node id per tree node; nodeTraceId values refer to these ids. */
  id: Uint32Array;
  parent: Int32Array;
  functionInfo: Uint32Array;
  count: Uint32Array;
  size: Float64Array;
  /** Function infos: name and script name are string indexes; line and column are 1-based, 0 = unknown. */
  functionName: Uint32Array;
  scriptName: Uint32Array;
  scriptId: Uint32Array;
  functionLine: Uint32Array;
  functionColumn: Uint32Array;
}

export interface HeapGraph {
  readonly info: DumpInfo;
  readonly nodeCount: number;
  readonly edgeCount: number;

  /** Interned strings. `nodeName` and string-named edges index into this. */
  readonly strings: readonly string[];
  /**
   * The same strings, made only when read, where a reader keeps them so (`strings` then makes them
   * all on first use): indexing and point queries read through it. Not enumerable, so that a copy
   * of the graph with other `strings` (`{ ...graph, strings }`) does not carry it.
   */
  readonly lazyStrings?: LazyStrings;

  /** Kind names, indexed by `nodeKind` values: V8's `node_types[0]`, or Perl SV types. */
  readonly nodeKinds: readonly string[];
  /** Kind names, indexed by `edgeKind` values: V8's `edge_types[0]`, or Perl ref kinds. */
  readonly edgeKinds: readonly string[];
  /** Per edge kind: 1 when `edgeName` is a numeric index (V8 `element`, `hidden`), 0 for a string index. */
  readonly edgeKindIsIndex: Uint8Array;

  readonly nodeKind: Uint8Array;
  readonly nodeName: Uint32Array;
  /** Stable object id (V8 snapshot id, or a Perl address). Float64 holds 53-bit addresses. */
  readonly nodeId: Float64Array;
  readonly nodeSelfSize: Float64Array;
  /** Allocation trace tree id per node, 0 = none; null when the dump has no allocation tracking. */
  readonly nodeTraceId: Uint32Array | null;
  /** V8 detachedness per node (0 unknown, 1 attached, 2 detached); null when absent. */
  readonly nodeDetachedness: Uint8Array | null;

  /** CSR: node i's outgoing edges are firstEdge[i] .. firstEdge[i + 1] - 1. Length nodeCount + 1. */
  readonly firstEdge: Uint32Array;
  readonly edgeKind: Uint8Array;
  /** String index or element index, depending on `edgeKindIsIndex[edgeKind[e]]`. */
  readonly edgeName: Uint32Array;
  /** Target node index. */
  readonly edgeTarget: Uint32Array;

  /** Node index of the synthetic root from which everything reachable hangs (V8: node 0). */
  readonly rootIndex: number;

  readonly locations: LocationColumns | null;
  readonly trace: AllocationTrace | null;
}

/**
 * A graph's node and edge columns, as the graph will hold them: what index building starts from.
 * A reader may hand them over before the rest of its file is read (`ReadOptions.onTables`).
 */
export type HeapTables = Pick<
  HeapGraph,
  | "nodeCount"
  | "edgeCount"
  | "firstEdge"
  | "edgeTarget"
  | "edgeKind"
  | "edgeKinds"
  | "nodeSelfSize"
  | "rootIndex"
>;

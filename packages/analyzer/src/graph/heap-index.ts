import type { HeapGraph } from "./heap-graph.js";

// The contract for the derived indexes. Each is computed lazily, once, on first access.

/** How an edge counts for reachability, dominators, distances and paths. Decided in one place. */
export const EdgeStrength = {
  /** Keeps its target alive. */
  strong: 0,
  /** Does not keep its target alive (V8 `weak`, WeakMap bookkeeping, Perl weak refs). */
  weak: 1,
  /** A duplicate of a path that exists anyway (V8 `shortcut`): skipped by dominators and paths. */
  shortcut: 2,
} as const;
export type EdgeStrength = (typeof EdgeStrength)[keyof typeof EdgeStrength];

/** Reverse edges in CSR form: node i's referrers are firstInref[i] .. firstInref[i + 1] - 1. */
export interface Inrefs {
  readonly firstInref: Uint32Array;
  /** The edge index (into the graph's edge columns) of each inref. */
  readonly inrefEdge: Uint32Array;
  /** The node the edge comes from. */
  readonly inrefSource: Uint32Array;
}

/** Distance of an unreachable node. */
export const UNREACHABLE = 0xffffffff;

export interface HeapIndexes {
  readonly graph: HeapGraph;
  /**
   * Strength per edge (values of EdgeStrength), built whole when first read (63 MB at 20M nodes).
   * Reading a few edges, `strengthOfEdge` gives the same from the edge kinds.
   */
  readonly edgeStrength: Uint8Array;
  readonly inrefs: Inrefs;
  /**
   * BFS hops from the root over strong edges, the user roots (the root's non-synthetic children:
   * the global objects) explored first, as DevTools does; UNREACHABLE when not reachable. Every node at
   * distance d > 0 has a strong referrer at distance d - 1.
   */
  readonly distance: Uint32Array;
  /** Immediate dominator's node index; the root dominates itself; unreachable nodes hold UNREACHABLE. */
  readonly dominator: Uint32Array;
  /** Self size plus the self sizes of all the node dominates; an unreachable node's own self size. */
  readonly retainedSize: Float64Array;
  /** Node index for an object id, or -1. */
  nodeIndexOf(id: number): number;
  /**
   * The same indexes for queries that read a few nodes (identify, show, outrefs). Where columns
   * are read on demand (a re-opened cache), its columns load only the pages read. Absent, the
   * indexes themselves serve.
   */
  readonly forPointReads?: () => HeapIndexes;
}

/** The indexes to give a query that reads a few nodes: see `HeapIndexes.forPointReads`. */
export function forPointReads(index: HeapIndexes): HeapIndexes {
  return index.forPointReads?.() ?? index;
}

/** From this many referrers on, reading an object's referrers is faster from whole columns. */
const MANY_REFERRERS = 1 << 16;

/**
 * The indexes to give a query that reads `node`'s referrers (`identify`, `inrefs`): for point
 * reads, unless it has so many (a prototype, a shared string) that whole columns are faster.
 */
export function forReferrersOf(index: HeapIndexes, node: number): HeapIndexes {
  const points = forPointReads(index);
  // Point reads on the whole columns (in memory, only the strings made when read) are as fast.
  if (points.inrefs === index.inrefs) return points;
  const { firstInref } = points.inrefs;
  return firstInref[node + 1]! - firstInref[node]! >= MANY_REFERRERS ? index : points;
}

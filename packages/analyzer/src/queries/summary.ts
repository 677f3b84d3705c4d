import { dominatorChildren } from "../graph/dominator-children.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { histogram } from "../graph/histogram.js";
import { describe } from "./describe.js";
import { nameOf, vocabulary } from "./vocabulary.js";

/** One group of `count`. */
export interface CountRow {
  /** The kind, or the constructor name (`(string)`, `(closure)`… for non-objects, as DevTools). */
  key: string;
  count: number;
  selfSize: number;
  /** By constructor: what freeing every object of the group would free (nested ones counted once). */
  retainedSize?: number;
}

// DevTools' names for the classes of non-objects, as the histogram uses them.
const CLASS_OF_KIND: Record<string, string> = { hidden: "system", code: "compiled code" };

/** The group key used by `count` and `diff`: a constructor name for objects, `(kind)` otherwise. */
export function groupKey(graph: HeapGraph, node: number, groupBy: "kind" | "constructor"): string {
  const kind = graph.nodeKinds[graph.nodeKind[node]!] ?? "?";
  if (groupBy === "kind") return kind;
  const v = vocabulary(graph);
  const k = graph.nodeKind[node];
  if (k === v.object || k === v.native) return nameOf(graph, node) || `(${kind})`;
  return `(${CLASS_OF_KIND[kind] ?? kind})`;
}

/**
 * Objects and bytes per kind or per constructor (DevTools' Summary classes, with retained sizes),
 * largest first.
 */
export function count(index: HeapIndexes, groupBy: "kind" | "constructor" = "kind"): CountRow[] {
  if (groupBy === "constructor") {
    const h = histogram(index);
    return h.className
      .map((key, c) => ({
        key,
        count: h.count[c]!,
        selfSize: h.selfSize[c]!,
        retainedSize: h.retainedSize[c]!,
      }))
      .sort((a, b) => b.retainedSize - a.retainedSize || a.key.localeCompare(b.key));
  }
  const graph = index.graph;
  const rows = new Map<number, CountRow>();
  const skipped = skippedKind(graph);
  for (let node = 0; node < graph.nodeCount; node++) {
    const slot = graph.nodeKind[node]!;
    if (slot === skipped) continue;
    let row = rows.get(slot);
    if (!row) {
      row = { key: groupKey(graph, node, "kind"), count: 0, selfSize: 0 };
      rows.set(slot, row);
    }
    row.count++;
    row.selfSize += graph.nodeSelfSize[node]!;
  }
  return [...rows.values()].sort((a, b) => b.selfSize - a.selfSize || a.key.localeCompare(b.key));
}

/**
 * The kind a count leaves out: pmat counts SVs only, not the root and the immortal undef, yes and no
 * that heapmat adds as `synthetic` nodes. -1 for other formats: V8's synthetic nodes are counted.
 */
function skippedKind(graph: HeapGraph): number {
  return graph.info.format === "pmat" ? graph.nodeKinds.indexOf("synthetic") : -1;
}

/** The `(total)` line of `count`: objects and bytes, counted as the dump's own tools count them. */
export function countTotals(graph: HeapGraph): { count: number; selfSize: number } {
  const skipped = skippedKind(graph);
  let count = 0;
  let selfSize = 0;
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.nodeKind[node] === skipped) continue;
    count++;
    selfSize += graph.nodeSelfSize[node]!;
  }
  return { count, selfSize };
}

/** One line of `largest`; with `owned`, the largest objects it dominates nest under it. */
export interface LargestEntry {
  id: number;
  index: number;
  description: string;
  /** Self or retained size, as asked. */
  size: number;
  owned?: LargestEntry[];
  /** With `owned`: the bytes of what it retains that the nested entries do not show. */
  others?: number;
}

export interface LargestOptions {
  by?: "retained" | "self";
  /** Nest the largest dominated objects, like pmat's `largest --owned`. */
  owned?: boolean;
  /** Levels of nesting with `owned` (default 2). */
  depth?: number;
}

/** The `n` largest objects by retained (default) or self size. Synthetic roots are left out. */
export function largest(
  index: HeapIndexes,
  n: number,
  options: LargestOptions = {},
): LargestEntry[] {
  const graph = index.graph;
  const by = options.by ?? "retained";
  const sizes = by === "retained" ? index.retainedSize : graph.nodeSelfSize;
  const synthetic = vocabulary(graph).synthetic;
  const candidates = (nodes: Iterable<number>) =>
    top(nodes, n, sizes, (node) => graph.nodeKind[node] !== synthetic && node !== graph.rootIndex);
  const tree = options.owned ? dominatorChildren(index) : null;
  const entry = (node: number, level: number): LargestEntry => {
    const out: LargestEntry = {
      id: graph.nodeId[node]!,
      index: node,
      description: describe(index, node),
      size: sizes[node]!,
    };
    if (tree && level < (options.depth ?? 2)) {
      const owned = candidates(
        tree.children.subarray(tree.first[node]!, tree.first[node + 1]!),
      ).map((child) => entry(child, level + 1));
      if (owned.length > 0) {
        out.owned = owned;
        const shown = owned.reduce((sum, child) => sum + index.retainedSize[child.index]!, 0);
        out.others = Math.max(0, index.retainedSize[node]! - graph.nodeSelfSize[node]! - shown);
      }
    }
    return out;
  };
  return candidates(allNodes(graph.nodeCount)).map((node) => entry(node, 0));
}

function* allNodes(count: number): Generator<number> {
  for (let node = 0; node < count; node++) yield node;
}

/** The `n` nodes with the largest sizes, largest first, with a small insertion-sorted buffer. */
function top(
  nodes: Iterable<number>,
  n: number,
  sizes: ArrayLike<number>,
  keep: (node: number) => boolean,
): number[] {
  const best: number[] = [];
  if (n <= 0) return best;
  for (const node of nodes) {
    const size = sizes[node]!;
    if (best.length === n && size <= sizes[best[n - 1]!]!) continue;
    if (!keep(node)) continue;
    let at = best.length < n ? best.length : n - 1;
    best[at] = node;
    while (at > 0 && sizes[best[at - 1]!]! < size) {
      best[at] = best[at - 1]!;
      best[at - 1] = node;
      at--;
    }
  }
  return best;
}

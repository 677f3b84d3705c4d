import type { HeapIndexes } from "../graph/heap-index.js";
import { vocabulary } from "./vocabulary.js";

/** One distinct string value. JSON-serialisable. */
export interface StringRow {
  value: string;
  /** How many string objects hold this value. */
  count: number;
  /** Their self sizes added up. */
  bytes: number;
  /** What deduplicating would save: all copies but the largest one. */
  wasted: number;
}

export interface StringsOptions {
  /** Only values held by more than one string object, most wasted bytes first. */
  duplicates?: boolean;
  /** At most this many rows (default all). */
  limit?: number;
}

/**
 * Flat strings grouped by value. Sliced and concatenated strings are views onto others and are
 * left out. Values are interned, so grouping compares integers.
 */
export function strings(index: HeapIndexes, options: StringsOptions = {}): StringRow[] {
  const graph = index.graph;
  const kind = vocabulary(graph).string;
  const count = new Map<number, { count: number; bytes: number; largest: number }>();
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.nodeKind[node] !== kind) continue;
    const name = graph.nodeName[node]!;
    const size = graph.nodeSelfSize[node]!;
    const row = count.get(name);
    if (row) {
      row.count++;
      row.bytes += size;
      if (size > row.largest) row.largest = size;
    } else count.set(name, { count: 1, bytes: size, largest: size });
  }
  const rows: StringRow[] = [];
  for (const [name, row] of count) {
    if (options.duplicates && row.count < 2) continue;
    rows.push({
      value: graph.strings[name]!,
      count: row.count,
      bytes: row.bytes,
      wasted: row.bytes - row.largest,
    });
  }
  rows.sort(
    options.duplicates
      ? (a, b) => b.wasted - a.wasted || b.count - a.count
      : (a, b) => b.bytes - a.bytes,
  );
  return options.limit === undefined ? rows : rows.slice(0, options.limit);
}

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
  // Values are interned: count per string index in typed arrays, no map per value.
  const count = new Uint32Array(graph.strings.length);
  const bytes = new Float64Array(graph.strings.length);
  const largest = new Float64Array(graph.strings.length);
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.nodeKind[node] !== kind) continue;
    const name = graph.nodeName[node]!;
    const size = graph.nodeSelfSize[node]!;
    count[name]!++;
    bytes[name]! += size;
    if (size > largest[name]!) largest[name] = size;
  }
  const least = options.duplicates ? 2 : 1;
  const rows: StringRow[] = [];
  for (let name = 0; name < count.length; name++) {
    if (count[name]! < least) continue;
    rows.push({
      value: graph.strings[name]!,
      count: count[name]!,
      bytes: bytes[name]!,
      wasted: bytes[name]! - largest[name]!,
    });
  }
  rows.sort(
    options.duplicates
      ? (a, b) => b.wasted - a.wasted || b.count - a.count
      : (a, b) => b.bytes - a.bytes,
  );
  return options.limit === undefined ? rows : rows.slice(0, options.limit);
}

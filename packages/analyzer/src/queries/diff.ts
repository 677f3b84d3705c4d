import type { HeapIndexes } from "../graph/heap-index.js";
import { groupKey } from "./summary.js";

/** Counts and bytes of one side of a comparison. */
export interface Tally {
  count: number;
  bytes: number;
}

/** One constructor's row of a comparison. JSON-serialisable. */
export interface DiffRow {
  /** Constructor name, or `(kind)` for non-objects. */
  key: string;
  /** In `b` only. */
  added: Tally;
  /** In `a` only. */
  freed: Tally;
  /** In both, by id. */
  surviving: Tally;
  /** added - freed. */
  delta: Tally;
}

export interface HeapDiff {
  added: Tally;
  freed: Tally;
  surviving: Tally;
  /** Largest growth in bytes first. */
  byConstructor: DiffRow[];
}

/**
 * Compares two snapshots of one process by object id (V8's ids are stable across the snapshots
 * of an isolate), like DevTools' Comparison view and pmat-diff.
 */
export function diff(a: HeapIndexes, b: HeapIndexes): HeapDiff {
  const rows = new Map<string, DiffRow>();
  const total = { added: tally(), freed: tally(), surviving: tally() };
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) {
      r = { key, added: tally(), freed: tally(), surviving: tally(), delta: tally() };
      rows.set(key, r);
    }
    return r;
  };
  const keys = new Map<number, string>(); // per (kind, name) pair, computed once
  const keyOf = (index: HeapIndexes, node: number) => {
    const graph = index.graph;
    const slot = graph.nodeName[node]! * 256 + graph.nodeKind[node]!;
    const cacheKey = index === a ? -slot - 1 : slot;
    let key = keys.get(cacheKey);
    if (key === undefined) {
      key = groupKey(graph, node, "constructor");
      keys.set(cacheKey, key);
    }
    return key;
  };
  for (let node = 0; node < b.graph.nodeCount; node++) {
    const size = b.graph.nodeSelfSize[node]!;
    const side = a.nodeIndexOf(b.graph.nodeId[node]!) < 0 ? "added" : "surviving";
    add(row(keyOf(b, node))[side], size);
    add(total[side], size);
  }
  for (let node = 0; node < a.graph.nodeCount; node++) {
    if (b.nodeIndexOf(a.graph.nodeId[node]!) >= 0) continue;
    const size = a.graph.nodeSelfSize[node]!;
    add(row(keyOf(a, node)).freed, size);
    add(total.freed, size);
  }
  for (const r of rows.values())
    r.delta = { count: r.added.count - r.freed.count, bytes: r.added.bytes - r.freed.bytes };
  const byConstructor = [...rows.values()].sort(
    (x, y) => y.delta.bytes - x.delta.bytes || y.added.count - x.added.count,
  );
  return { ...total, byConstructor };
}

function tally(): Tally {
  return { count: 0, bytes: 0 };
}

function add(t: Tally, bytes: number) {
  t.count++;
  t.bytes += bytes;
}

import type { HeapGraph, HeapTables } from "./heap-graph.js";
import { EdgeStrength } from "./heap-index.js";
import { pointStrings, stringsContaining } from "./lazy-strings.js";
import { memoize } from "./memo.js";

// The one place that decides how an edge counts for reachability, distances, dominators and paths.
// The rules follow Chrome DevTools' heap snapshot worker (see packages/analyzer/README.md):
// - edge kind `weak` (V8, Perl) is weak;
// - edge kind `shortcut` is a duplicate of a real path, except on the synthetic root, where V8 uses
//   shortcuts to mark the user roots (the global objects): those count as strong;
// - everything else is strong, including V8's WeakMap bookkeeping edges. V8 writes an
//   EphemeronHashTable's slots as weak edges to key and value, plus an internal edge named
//   "part of key (K @k) -> value (V @v) pair in WeakMap (table @t)" from both the key and the table
//   to the value. So a WeakMap never keeps its keys alive, and a value is dominated by what
//   dominates both its key and its table. Distances additionally wait for both (see distance.ts).
// - Perl's `indirect` edges (.pmat) repeat a path that exists anyway ("value {k} via RV" skips the
//   REF): they count as shortcuts, so a REF keeps dominating what it points to.

/**
 * The rule above as two tables: an edge's strength by its kind, for edges from the root and from
 * any other node. The dominator tree and the distances read these beside the edge kinds instead
 * of waiting for `edgeStrengths`.
 */
export interface StrengthRule {
  fromRoot: Uint8Array;
  fromOther: Uint8Array;
}

export function strengthRule(edgeKinds: readonly string[]): StrengthRule {
  const fromOther = Uint8Array.from(edgeKinds, (kind) =>
    kind === "weak"
      ? EdgeStrength.weak
      : kind === "shortcut" || kind === "indirect"
        ? EdgeStrength.shortcut
        : EdgeStrength.strong,
  );
  const fromRoot = Uint8Array.from(fromOther);
  const v8Shortcut = edgeKinds.indexOf("shortcut");
  if (v8Shortcut >= 0) fromRoot[v8Shortcut] = EdgeStrength.strong;
  return { fromRoot, fromOther };
}

/**
 * One edge's strength by the rule, read from its kind: what queries use, so that reading a few
 * edges never waits for the strength column (`HeapIndexes.edgeStrength`, built whole on demand).
 */
export const strengthOfEdge = memoize(
  (graph: Pick<HeapTables, "edgeKinds" | "edgeKind" | "rootIndex">) => {
    const { fromRoot, fromOther } = strengthRule(graph.edgeKinds);
    const { edgeKind, rootIndex } = graph;
    return (edge: number, source: number): EdgeStrength =>
      (source === rootIndex ? fromRoot : fromOther)[edgeKind[edge]!] as EdgeStrength;
  },
);

/** Strength of every edge, as values of `EdgeStrength`. */
export function edgeStrengths(graph: HeapGraph): Uint8Array {
  return strengthsByRule(graph, strengthRule(graph.edgeKinds));
}

/** Strength of every edge by a rule: for a thread that has the kinds but not their names. */
export function strengthsByRule(
  { edgeKind, firstEdge, rootIndex }: Pick<HeapTables, "edgeKind" | "firstEdge" | "rootIndex">,
  { fromRoot, fromOther }: StrengthRule,
): Uint8Array {
  const strength = new Uint8Array(edgeKind.length);
  for (let e = 0; e < strength.length; e++) strength[e] = fromOther[edgeKind[e]!]!;
  for (let e = firstEdge[rootIndex]!; e < firstEdge[rootIndex + 1]!; e++)
    strength[e] = fromRoot[edgeKind[e]!]!;
  return strength;
}

const EPHEMERON =
  /part of key \(.*? @(\d+)\) -> value \(.*? @(\d+)\) pair in WeakMap \(table @(\d+)\)/;

/** The ids named by a WeakMap bookkeeping edge. */
export interface EphemeronPair {
  keyId: number;
  valueId: number;
  tableId: number;
}

/** Parses a WeakMap bookkeeping edge name, or returns null for any other name. */
export function parseEphemeron(name: string): EphemeronPair | null {
  const match = EPHEMERON.exec(name);
  if (!match) return null;
  return { keyId: Number(match[1]), valueId: Number(match[2]), tableId: Number(match[3]) };
}

/**
 * Flags the string indexes that name WeakMap bookkeeping edges (1) so that hot loops can test an
 * edge with one array read. Null when the graph has none (non-V8 graphs, heaps without WeakMaps).
 */
export function ephemeronNameFlags(graph: HeapGraph): Uint8Array | null {
  const internal = graph.edgeKinds.indexOf("internal");
  if (internal < 0) return null;
  let flags: Uint8Array | null = null;
  const strings = pointStrings(graph);
  for (const s of stringsContaining(graph, " pair in WeakMap (table @")) {
    if (!EPHEMERON.test(strings[s]!)) continue;
    flags ??= new Uint8Array(strings.length);
    flags[s] = 1;
  }
  return flags;
}

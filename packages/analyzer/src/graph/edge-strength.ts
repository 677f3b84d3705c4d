import type { HeapGraph } from "./heap-graph.js";
import { EdgeStrength } from "./heap-index.js";
import { sharedArray } from "./shared-memory.js";

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

/** Strength of every edge, as values of `EdgeStrength`. */
export function edgeStrengths(graph: HeapGraph): Uint8Array {
  const kindStrength = new Uint8Array(graph.edgeKinds.length);
  graph.edgeKinds.forEach((kind, k) => {
    kindStrength[k] =
      kind === "weak"
        ? EdgeStrength.weak
        : kind === "shortcut" || kind === "indirect"
          ? EdgeStrength.shortcut
          : EdgeStrength.strong;
  });
  const { edgeKind, firstEdge, rootIndex } = graph;
  const strength = sharedArray(Uint8Array, graph.edgeCount);
  for (let e = 0; e < strength.length; e++) strength[e] = kindStrength[edgeKind[e]!]!;
  const v8Shortcut = graph.edgeKinds.indexOf("shortcut");
  for (let e = firstEdge[rootIndex]!; e < firstEdge[rootIndex + 1]!; e++)
    if (edgeKind[e] === v8Shortcut) strength[e] = EdgeStrength.strong;
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
  const { strings } = graph;
  for (let s = 0; s < strings.length; s++) {
    const text = strings[s]!;
    if (text.length > 40 && text.includes(" pair in WeakMap (table @") && EPHEMERON.test(text)) {
      flags ??= new Uint8Array(strings.length);
      flags[s] = 1;
    }
  }
  return flags;
}

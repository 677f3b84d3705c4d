import {
  EdgeStrength,
  type HeapIndexes,
  identify,
  strengthOfEdge,
  UNREACHABLE,
} from "@heapmat/analyzer";
import { className } from "./classes.js";

/** One hop of a path from the roots: the edge taken, and the node it leads to. */
export interface PathStep {
  /** The edge's name in the code's terms: a variable, a property, `[3]`; "" for the root. */
  edge: string;
  /** The edge's kind as the dump names it (`context`, `property`, `element`, `internal`...). */
  edgeKind: string;
  /** The node's class name (see className). */
  node: string;
  id: number;
}

// Among equally short paths, prefer the edges a programmer wrote over V8's bookkeeping.
const EDGE_PREFERENCE: Record<string, number> = {
  context: 0,
  property: 0,
  element: 1,
  internal: 2,
  hidden: 3,
  shortcut: 3,
};

/** A shortest path over strong edges from the root to `node`, root first; [] when unreachable. */
export function pathFromRoot(indexes: HeapIndexes, node: number): PathStep[] {
  const { graph, distance } = indexes;
  const strengthOf = strengthOfEdge(graph);
  const { firstInref, inrefEdge, inrefSource } = indexes.inrefs;
  if (distance[node] === UNREACHABLE) return [];
  const edges: number[] = [];
  const nodes: number[] = [node];
  let at = node;
  while (at !== graph.rootIndex) {
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let r = firstInref[at]!; r < firstInref[at + 1]!; r++) {
      const edge = inrefEdge[r]!;
      const from = inrefSource[r]!;
      if (strengthOf(edge, from) !== EdgeStrength.strong || distance[from]! >= distance[at]!)
        continue;
      const score =
        distance[from]! * 8 + (EDGE_PREFERENCE[graph.edgeKinds[graph.edgeKind[edge]!]!] ?? 4);
      if (score < bestScore) {
        best = r;
        bestScore = score;
      }
    }
    if (best < 0) return [];
    edges.push(inrefEdge[best]!);
    at = inrefSource[best]!;
    nodes.push(at);
  }
  nodes.reverse();
  edges.reverse();
  return nodes.map((n, k) => ({
    edge: k === 0 ? "" : edgeLabel(indexes, edges[k - 1]!),
    edgeKind: k === 0 ? "" : graph.edgeKinds[graph.edgeKind[edges[k - 1]!]!]!,
    node: className(graph, n),
    id: graph.nodeId[n]!,
  }));
}

export function edgeLabel(indexes: HeapIndexes, edge: number): string {
  const { graph } = indexes;
  const kind = graph.edgeKind[edge]!;
  const name = graph.edgeName[edge]!;
  return graph.edgeKindIsIndex[kind] ? `[${name}]` : graph.strings[name]!;
}

/** How far identify walks: far enough to get past a linked list of timers. */
const IDENTIFY_DEPTH = 1000;

/**
 * What holds `node`, nearest first, in the code's own words (the analyzer's identify, as
 * Devel::MAT's): "a value in Map @12 (key 'k1')", "the variable 'cache' of module app.mjs". A run
 * of the same hop (a linked list) is said once, with its length.
 */
export function heldBy(indexes: HeapIndexes, node: number, limit = 4): string[] {
  const out: string[] = [];
  const shape = (text: string) => text.replace(/@\d+/g, "@").replace(/'[^']*'\)$/, "");
  let run = 0;
  let steps = identify(indexes, node, { width: 1, depth: IDENTIFY_DEPTH }).retainers;
  while (steps.length > 0) {
    const text = steps[0]!.text;
    steps = steps[0]!.retainers;
    if (out.length > 0 && shape(text) === shape(out.at(-1)!.replace(/ \(a chain of \d+\)$/, ""))) {
      run++;
      out[out.length - 1] =
        `${out.at(-1)!.replace(/ \(a chain of \d+\)$/, "")} (a chain of ${run})`;
      continue;
    }
    if (out.length === limit) break;
    out.push(text);
    run = 1;
  }
  return out;
}

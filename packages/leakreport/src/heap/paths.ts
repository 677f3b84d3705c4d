import { EdgeStrength, type HeapIndexes, UNREACHABLE } from "@heapmat/analyzer";
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
  const { graph, distance, edgeStrength } = indexes;
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
      if (edgeStrength[edge] !== EdgeStrength.strong || distance[from]! >= distance[at]!) continue;
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

/** V8's containers and roots: a table, a backing store, a context, `(GC roots)`. */
function isMachinery(step: PathStep): boolean {
  return step.node.startsWith("(") || step.node.startsWith("system /");
}

/**
 * The hops that tell what holds an object, nearest first, in the manner of Devel::MAT's identify:
 * "a value in Map @12", "the variable 'cache' of a closure context". V8's bookkeeping hops (a
 * Map's table, an array's backing store, the roots) fold into the sentence they belong to, and a
 * run of the same hop (a linked list) is said once, with its length.
 */
export function describeHolders(path: readonly PathStep[], limit = 4): string[] {
  const out: string[] = [];
  let repeats = 0;
  let last = "";
  const flush = () => {
    if (last) out.push(repeats > 1 ? `${last} (a chain of ${repeats})` : last);
  };
  for (let k = path.length - 1; k > 0; k--) {
    const sentence = holderSentence(path[k]!, path[k - 1]!, path[k - 2]);
    if (sentence === null) continue;
    const shape = sentence.replace(/ @\d+/g, "");
    if (shape === last.replace(/ @\d+/g, "")) {
      repeats++;
      continue;
    }
    flush();
    if (out.length >= limit) return out;
    last = sentence;
    repeats = 1;
  }
  if (out.length < limit) flush();
  return out;
}

function holderSentence(step: PathStep, from: PathStep, above?: PathStep): string | null {
  if (isMachinery(step) && step.edgeKind !== "context") return null;
  if (isMachinery(from) && from.node !== "system / Context") {
    // A table or backing store: speak of the collection that owns it.
    if (!above || isMachinery(above)) return null;
    if (above.node === "Set") return `a member of Set @${above.id}`;
    if (above.node === "Map" || above.node.startsWith("Weak"))
      return `a value in ${above.node} @${above.id}`;
    return `an element of ${above.node} @${above.id}`;
  }
  switch (step.edgeKind) {
    case "context":
      return `the variable '${step.edge}' of ${from.node === "system / Context" ? "a closure context" : `${from.node} @${from.id}`}`;
    case "property":
      return `property '${step.edge}' of ${from.node} @${from.id}`;
    case "element":
      return `element ${step.edge} of ${from.node} @${from.id}`;
    case "internal":
    case "hidden":
      return isMachinery(from) ? null : `held by ${from.node} @${from.id}`;
    default:
      return null;
  }
}

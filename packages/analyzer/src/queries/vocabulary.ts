import type { HeapGraph } from "../graph/heap-graph.js";

// The names heap queries look for, resolved once per graph: kind names come from the file, so a
// kind that a format lacks resolves to -1 and simply never matches.

export interface Vocabulary {
  object: number;
  array: number;
  string: number;
  concatString: number;
  slicedString: number;
  closure: number;
  code: number;
  hidden: number;
  synthetic: number;
  number: number;
  native: number;
  edge: {
    context: number;
    element: number;
    property: number;
    internal: number;
    hidden: number;
    shortcut: number;
    weak: number;
  };
}

const cache = new WeakMap<HeapGraph, Vocabulary>();

export function vocabulary(graph: HeapGraph): Vocabulary {
  let vocab = cache.get(graph);
  if (!vocab) {
    const node = (name: string) => graph.nodeKinds.indexOf(name);
    const edge = (name: string) => graph.edgeKinds.indexOf(name);
    vocab = {
      object: node("object"),
      array: node("array"),
      string: node("string"),
      concatString: node("concatenated string"),
      slicedString: node("sliced string"),
      closure: node("closure"),
      code: node("code"),
      hidden: node("hidden"),
      synthetic: node("synthetic"),
      number: node("number"),
      native: node("native"),
      edge: {
        context: edge("context"),
        element: edge("element"),
        property: edge("property"),
        internal: edge("internal"),
        hidden: edge("hidden"),
        shortcut: edge("shortcut"),
        weak: edge("weak"),
      },
    };
    cache.set(graph, vocab);
  }
  return vocab;
}

/** The node's name string (constructor, function name, string value or label). */
export function nameOf(graph: HeapGraph, node: number): string {
  return graph.strings[graph.nodeName[node]!] ?? "";
}

export function kindOf(graph: HeapGraph, node: number): string {
  return graph.nodeKinds[graph.nodeKind[node]!] ?? "?";
}

export function isString(graph: HeapGraph, node: number): boolean {
  const v = vocabulary(graph);
  const kind = graph.nodeKind[node];
  return kind === v.string || kind === v.concatString || kind === v.slicedString;
}

/** An edge's name: a property/variable name, or an element index. */
export function edgeNameOf(graph: HeapGraph, edge: number): string | number {
  const kind = graph.edgeKind[edge]!;
  const name = graph.edgeName[edge]!;
  return graph.edgeKindIsIndex[kind] ? name : (graph.strings[name] ?? "");
}

/** The first outgoing edge of `node` with this kind (or any kind when -1) and name, or -1. */
export function findEdge(graph: HeapGraph, node: number, kind: number, name: string): number {
  const end = graph.firstEdge[node + 1]!;
  for (let e = graph.firstEdge[node]!; e < end; e++) {
    if (kind >= 0 && graph.edgeKind[e] !== kind) continue;
    if (edgeNameOf(graph, e) === name) return e;
  }
  return -1;
}

/** The target of `node`'s edge with this name (any kind), or -1. */
export function follow(graph: HeapGraph, node: number, name: string): number {
  const e = findEdge(graph, node, -1, name);
  return e < 0 ? -1 : graph.edgeTarget[e]!;
}

/** V8 names its engine-internal objects "system / …"; these are hops a programmer never wrote. */
export function isSystem(graph: HeapGraph, node: number): boolean {
  const v = vocabulary(graph);
  const kind = graph.nodeKind[node];
  if (kind === v.hidden || kind === v.array || kind === v.code) return true;
  return nameOf(graph, node).startsWith("system / ");
}

/**
 * A string node's value. V8 names concatenated strings "(concatenated string)" and keeps their
 * text in the `first` and `second` parts, so those are joined (up to `max` characters).
 */
export function stringValue(graph: HeapGraph, node: number, max = 1 << 20): string {
  const v = vocabulary(graph);
  if (graph.nodeKind[node] !== v.concatString) return nameOf(graph, node);
  let out = "";
  const stack = [node];
  while (stack.length > 0 && out.length < max) {
    const part = stack.pop()!;
    if (graph.nodeKind[part] !== v.concatString) {
      out += nameOf(graph, part);
      continue;
    }
    const first = follow(graph, part, "first");
    const second = follow(graph, part, "second");
    if (second >= 0) stack.push(second);
    if (first >= 0) stack.push(first);
  }
  return out.length > max ? out.slice(0, max) : out;
}

/**
 * The target of an array's slot edge (V8 names them "0", "1", … in slot order): a binary search,
 * since a Map's table can hold millions of slots. -1 when the slot holds no heap object (a Smi).
 */
export function slotTarget(graph: HeapGraph, array: number, slot: number): number {
  const numberAt = (e: number) => {
    const name = edgeNameOf(graph, e);
    return typeof name === "number" ? name : name === "" ? Number.NaN : Number(name);
  };
  let lo = graph.firstEdge[array]!;
  let hi = graph.firstEdge[array + 1]! - 1;
  while (lo <= hi && Number.isNaN(numberAt(lo))) lo++; // named edges ("map") sit apart
  while (hi >= lo && Number.isNaN(numberAt(hi))) hi--;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = numberAt(mid);
    if (Number.isNaN(at)) return follow(graph, array, String(slot)); // not in slot order after all
    if (at < slot) lo = mid + 1;
    else if (at > slot) hi = mid - 1;
    else return graph.edgeTarget[mid]!;
  }
  return -1;
}

import type { HeapGraph } from "@heapmat/analyzer";

// How objects are named and sorted into classes, in the words DevTools users know.

const STRING_KINDS = new Set(["string", "concatenated string", "sliced string"]);
/**
 * V8's own machinery: never the thing a program leaks, only what it drags along. Perl's REF (a
 * scalar holding a reference) is the same: the leak is what it points to.
 */
const INTERNAL_KINDS = new Set(["hidden", "array", "code", "object shape", "synthetic", "REF"]);
const SHAPE_LIMIT = 4;

export function kindName(graph: HeapGraph, node: number): string {
  return graph.nodeKinds[graph.nodeKind[node]!]!;
}

export function isStringKind(kind: string): boolean {
  return STRING_KINDS.has(kind);
}

/** V8 internals: maps/shapes, code, feedback, descriptor arrays, contexts, backing stores. */
export function isInternal(graph: HeapGraph, node: number): boolean {
  return (
    isBookkeeping(graph, node) || graph.strings[graph.nodeName[node]!]!.startsWith("system / ")
  );
}

/** The internals that are pure bookkeeping, unlike a backing store that holds a Buffer's bytes. */
export function isBookkeeping(graph: HeapGraph, node: number): boolean {
  return INTERNAL_KINDS.has(kindName(graph, node));
}

/**
 * The key objects are counted under from one dump to the next. It needs only a node's kind and
 * name, so it also works on dumps read with `idsOnly` (when they keep names).
 */
export function populationKey(kind: string, name: string): string {
  return isStringKind(kind) ? "string" : `${kind}:${name}`;
}

/**
 * The name a programmer recognises: the constructor, `fn()` for a closure, `string` for any string,
 * and `{a, b}` for a plain object, named by its shape.
 */
export function className(graph: HeapGraph, node: number): string {
  const kind = kindName(graph, node);
  const name = graph.strings[graph.nodeName[node]!] ?? "";
  if (isStringKind(kind)) return "string";
  switch (kind) {
    case "closure":
      return `${name || "(anonymous)"}()`;
    case "object":
      return name === "Object" ? objectShape(graph, node) : name;
    case "regexp":
      return "RegExp";
    case "number":
      return "number";
    case "native":
    case "array":
    case "hidden":
      return name || `(${kind})`;
    default:
      return name ? `${name}` : `(${kind})`;
  }
}

/** `{resolve, job}`: a plain object's own property names, as DevTools names object literals. */
export function objectShape(graph: HeapGraph, node: number): string {
  const property = graph.edgeKinds.indexOf("property");
  const names: string[] = [];
  let more = false;
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (graph.edgeKind[e] !== property) continue;
    const name = graph.strings[graph.edgeName[e]!]!;
    if (name === "__proto__" || name === "map") continue;
    if (names.length === SHAPE_LIMIT) {
      more = true;
      break;
    }
    names.push(name);
  }
  if (names.length === 0) return "Object";
  return `{${names.join(", ")}${more ? ", …" : ""}}`;
}

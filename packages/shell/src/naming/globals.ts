import type { HeapGraph } from "@heapmat/analyzer";
import { UsageError } from "../errors.js";
import { didYouMean } from "../text/suggest.js";
import { edgeNames, edgeTo, nodeKindName, nodeNameOf } from "./edges.js";

const PROPERTY = ["property"];
const ELEMENT = ["element"];

/**
 * The global object: V8 links it from the synthetic root by a shortcut edge (Node's `global`).
 * Returns -1 when the dump has none (a Perl dump, say).
 */
export function globalObject(graph: HeapGraph): number {
  const root = graph.rootIndex;
  let fallback = -1;
  for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e++) {
    if (graph.edgeKinds[graph.edgeKind[e]!] !== "shortcut") continue;
    const target = graph.edgeTarget[e]!;
    if (nodeKindName(graph, target) !== "object") continue;
    if (nodeNameOf(graph, target).startsWith("global")) return target;
    if (fallback < 0) fallback = target;
  }
  return fallback;
}

/** Splits `global.a.b[3]["c d"]` into ["a", "b", "3", "c d"] (after the leading word). */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\[(["'])(.*?)\3\]/gy;
  const head = /^(globalThis|global)/.exec(path);
  re.lastIndex = head ? head[0].length : 0;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m) throw new UsageError(`${path}: can't read the path at '${path.slice(at)}'`);
    segments.push(m[1] ?? m[2] ?? m[4] ?? "");
  }
  return segments;
}

/** Follows a property path from the global object. */
export function resolveGlobalPath(graph: HeapGraph, path: string): number {
  let node = globalObject(graph);
  if (node < 0) throw new UsageError(`${path}: this dump has no global object`);
  let walked = "global";
  for (const segment of pathSegments(path)) {
    let next = edgeTo(graph, node, PROPERTY, segment);
    if (next < 0 && /^\d+$/.test(segment)) next = edgeTo(graph, node, ELEMENT, segment);
    if (next < 0) {
      const names = edgeNames(graph, node, PROPERTY);
      throw new UsageError(
        `${path}: ${walked} has no property '${segment}'${didYouMean(segment, names)}`,
      );
    }
    node = next;
    walked += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return node;
}

import type { HeapGraph } from "@heapmat/analyzer";
import { nodeKindName, nodeNameOf } from "../naming/edges.js";
import { formatBytes } from "../text/bytes.js";
import { clip } from "../text/table.js";

const STRING_KINDS = new Set(["string", "concatenated string", "sliced string"]);

/** A short name for a node in listings: `SessionRecord @123`, `"s1" @125`, `onData() @127`. */
export function objectLabel(graph: HeapGraph, node: number): string {
  const kind = nodeKindName(graph, node);
  const name = nodeNameOf(graph, node);
  const id = `@${graph.nodeId[node]}`;
  if (STRING_KINDS.has(kind) && !name.startsWith("("))
    return `${JSON.stringify(clip(name, 40))} ${id}`;
  if (kind === "closure") return `${name || "(anonymous)"}() ${id}`;
  if (kind === "object") return `${name} ${id}`;
  return `(${kind}) ${clip(name, 40)} ${id}`;
}

/** `SessionRecord @123 (40 B, retains 1.2 KiB)`. */
export function objectWithSizes(graph: HeapGraph, retained: Float64Array, node: number): string {
  const self = graph.nodeSelfSize[node]!;
  const kept = retained[node]!;
  const sizes =
    kept > self ? `${formatBytes(self)}, retains ${formatBytes(kept)}` : formatBytes(self);
  return `${objectLabel(graph, node)} (${sizes})`;
}

/** A node for --json: enough to find it again and to read it. */
export function objectJson(graph: HeapGraph, node: number) {
  return {
    id: graph.nodeId[node]!,
    kind: nodeKindName(graph, node),
    name: nodeNameOf(graph, node),
    selfSize: graph.nodeSelfSize[node]!,
  };
}

/** "1 value", "3 values". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

import { formatBytes, type HeapIndexes, UNREACHABLE } from "@heapmat/analyzer";
import { resolveObject } from "../naming/resolve.js";
import { objectJson, objectLabel } from "../view/label.js";
import type { Command } from "./command.js";

/** `size ID`: what one object costs, three ways, as pmat's `size`. */
export const size: Command = {
  name: "size",
  summary: "Self, structural and retained bytes of an object",
  usage: "ID",
  details: [
    "self:       the object's own bytes",
    "structural: plus the internal parts only it holds (elements, property",
    "            arrays, a Map's table …)",
    "retained:   everything that would be freed with it (its dominator subtree)",
  ].join("\n"),
  data: true,
  positionals: { min: 1, max: 1, name: "ID" },
  completes: "ids",
  run({ session }, { positionals: [name] }) {
    const node = resolveObject(session, name!);
    const { graph } = session;
    const indexes = session.indexes;
    const self = graph.nodeSelfSize[node]!;
    const structural = structuralSize(indexes, node);
    const retained = indexes.retainedSize[node]!;
    return {
      lines: [
        `${objectLabel(graph, node)} consumes:`,
        `  ${formatBytes(self)} directly`,
        `  ${formatBytes(structural)} structurally`,
        `  ${formatBytes(retained)} including owned referents`,
      ],
      json: { ...objectJson(graph, node), self, structural, retained },
      listed: [node],
    };
  },
};

const INTERNAL_KINDS = ["internal", "hidden"];

/**
 * Self size plus the parts reached through internal/hidden edges that the object alone holds
 * (it dominates them), recursively: an Array's backing store, a Map's hash table.
 */
export function structuralSize(indexes: HeapIndexes, node: number): number {
  const { graph, dominator } = indexes;
  const internal = graph.edgeKinds.map((k) => INTERNAL_KINDS.includes(k));
  let total = 0;
  const stack = [node];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    total += graph.nodeSelfSize[n]!;
    for (let e = graph.firstEdge[n]!; e < graph.firstEdge[n + 1]!; e++) {
      const target = graph.edgeTarget[e]!;
      const kind = graph.edgeKind[e]!;
      const owned = dominator[target] === n && dominator[target] !== UNREACHABLE;
      if (internal[kind] && owned && graph.nodeKinds[graph.nodeKind[target]!] !== "object shape") {
        stack.push(target);
      }
    }
  }
  return total;
}

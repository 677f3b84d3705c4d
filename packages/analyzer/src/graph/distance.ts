import { parseEphemeron, type StrengthRule } from "./edge-strength.js";
import type { HeapGraph } from "./heap-graph.js";
import { EdgeStrength, type Inrefs, UNREACHABLE } from "./heap-index.js";
import { pointStrings } from "./lazy-strings.js";

/**
 * Breadth-first hops from the root over strong edges, as DevTools counts them:
 * - the user roots (the root's non-synthetic children: the global objects, which V8 links from the
 *   root with shortcut edges) are explored first, so that anything user code can reach gets its
 *   distance, and so its shortest path, through them rather than through V8's or Node's internal
 *   roots; the rest follows from the root;
 * - a WeakMap value is reached only once both its key and its table are, one hop past the farther;
 * - links that V8 shares between unrelated objects are not followed: the descriptor slots of a
 *   `(map descriptors)` array (indexes 3, 6, 9...: shared between maps) and a NativeContext's
 *   `sloppy_function_map`.
 */
export function bfsDistances(
  graph: HeapGraph,
  strength: StrengthRule,
  ephemeronNames: Uint8Array | null,
  inrefs: () => Inrefs,
): Uint32Array {
  const { nodeCount, firstEdge, edgeTarget, edgeKind, edgeName, rootIndex, nodeKind, nodeName } =
    graph;
  const internal = graph.edgeKinds.indexOf("internal");
  // The few strings read here, read without making them all (lazy-strings.ts).
  const strings = pointStrings(graph);
  const skips = sharedLinkSkips(graph, strings);
  const distance = new Uint32Array(nodeCount).fill(UNREACHABLE);
  const queue = new Uint32Array(nodeCount);
  let tail = 0;

  // For a WeakMap edge from the key (or the table), whether the table (or the key) is reached.
  // The partner is among the value's referrers (its edge names the same pair): no id lookup.
  const partnerReached = (node: number, edge: number) => {
    const pair = parseEphemeron(strings[edgeName[edge]!]!);
    if (pair === null) return true;
    const partnerId = graph.nodeId[node] === pair.tableId ? pair.keyId : pair.tableId;
    const { firstInref, inrefSource } = inrefs();
    const value = edgeTarget[edge]!;
    for (let r = firstInref[value]!; r < firstInref[value + 1]!; r++) {
      const source = inrefSource[r]!;
      if (graph.nodeId[source] === partnerId) return distance[source] !== UNREACHABLE;
    }
    return true; // the partner is not in the snapshot: nothing to wait for
  };

  const explore = (head: number) => {
    while (head < tail) {
      const node = queue[head++]!;
      const next = distance[node]! + 1;
      const end = firstEdge[node + 1]!;
      const skipKind = skips.kindOf(nodeKind[node]!, node);
      const kindStrength = node === rootIndex ? strength.fromRoot : strength.fromOther;
      for (let e = firstEdge[node]!; e < end; e++) {
        if (kindStrength[edgeKind[e]!] !== EdgeStrength.strong) continue;
        const target = edgeTarget[e]!;
        if (distance[target] !== UNREACHABLE) continue;
        if (skipKind !== 0 && skips.skip(skipKind, e)) continue;
        if (
          ephemeronNames !== null &&
          edgeKind[e] === internal &&
          ephemeronNames[edgeName[e]!] === 1 &&
          !partnerReached(node, e)
        )
          continue;
        distance[target] = next;
        queue[tail++] = target;
      }
    }
  };

  // User roots, as DevTools picks them: the root's children that are not synthetic (V8 links
  // the global objects from the root), and the synthetic "(Document DOM trees)" of browsers.
  const synthetic = graph.nodeKinds.indexOf("synthetic");
  const domTrees = strings.indexOf("(Document DOM trees)");
  distance[rootIndex] = 0;
  for (let e = firstEdge[rootIndex]!; e < firstEdge[rootIndex + 1]!; e++) {
    const target = edgeTarget[e]!;
    if (strength.fromRoot[edgeKind[e]!] !== EdgeStrength.strong) continue;
    if (distance[target] !== UNREACHABLE) continue;
    if (nodeKind[target] === synthetic && nodeName[target] !== domTrees) continue;
    distance[target] = 1;
    queue[tail++] = target;
  }
  explore(0);
  const rest = tail;
  queue[tail++] = rootIndex;
  explore(rest);
  return distance;
}

const DESCRIPTORS = 1;
const NATIVE_CONTEXT = 2;

/** Recognises the few V8 nodes whose links distances ignore (see bfsDistances). */
function sharedLinkSkips(graph: HeapGraph, strings: readonly string[]) {
  const { edgeName, edgeKindIsIndex, edgeKind, nodeName } = graph;
  const arrayKind = graph.nodeKinds.indexOf("array");
  const hiddenKind = graph.nodeKinds.indexOf("hidden");
  const descriptors = strings.indexOf("(map descriptors)");
  const nativeContext = strings.indexOf("system / NativeContext");
  const sloppyFunctionMap = strings.indexOf("sloppy_function_map");
  return {
    /** The node's skip rule, reading its name only for the two kinds concerned (a random read). */
    kindOf(kind: number, node: number): number {
      if (kind === arrayKind) return nodeName[node] === descriptors ? DESCRIPTORS : 0;
      if (kind === hiddenKind) return nodeName[node] === nativeContext ? NATIVE_CONTEXT : 0;
      return 0;
    },
    skip(which: number, e: number): boolean {
      if (which === NATIVE_CONTEXT)
        return edgeKindIsIndex[edgeKind[e]!] === 0 && edgeName[e] === sloppyFunctionMap;
      // Descriptor arrays: [0] count, [1] enum cache, then (key, details, value) per descriptor.
      const index =
        edgeKindIsIndex[edgeKind[e]!] === 1 ? edgeName[e]! : Number(strings[edgeName[e]!]);
      return index >= 2 && index % 3 === 1;
    },
  };
}

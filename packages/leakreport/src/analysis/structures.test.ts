import { type HeapGraph, indexHeap } from "@heapmat/analyzer";
import { describe, expect, it } from "vitest";
import { leakedStructures } from "./structures.js";

const NODE_KINDS = ["hidden", "array", "string", "object", "code", "closure", "synthetic"];
const EDGE_KINDS = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** A tiny graph by hand: nodes [kind, name], edges [from, kind, name, to]. Node 0 is the root. */
function graph(
  nodes: Array<[string, string]>,
  edges: Array<[number, string, string, number]>,
): HeapGraph {
  const strings = [...new Set([...nodes.map((n) => n[1]), ...edges.map((e) => e[2])])];
  const sorted = [...edges].sort((a, b) => a[0] - b[0]);
  const firstEdge = new Uint32Array(nodes.length + 1);
  for (const [from] of sorted) firstEdge[from + 1]!++;
  for (let i = 0; i < nodes.length; i++) firstEdge[i + 1]! += firstEdge[i]!;
  return {
    info: { format: "heapsnapshot" },
    nodeCount: nodes.length,
    edgeCount: sorted.length,
    strings,
    nodeKinds: NODE_KINDS,
    edgeKinds: EDGE_KINDS,
    edgeKindIsIndex: Uint8Array.from(EDGE_KINDS, (k) =>
      k === "element" || k === "hidden" ? 1 : 0,
    ),
    nodeKind: Uint8Array.from(nodes, (n) => NODE_KINDS.indexOf(n[0])),
    nodeName: Uint32Array.from(nodes, (n) => strings.indexOf(n[1])),
    nodeId: Float64Array.from(nodes, (_, i) => i * 2 + 1),
    nodeSelfSize: Float64Array.from(nodes, () => 16),
    nodeTraceId: null,
    nodeDetachedness: null,
    firstEdge,
    edgeKind: Uint8Array.from(sorted, (e) => EDGE_KINDS.indexOf(e[1])),
    edgeName: Uint32Array.from(sorted, (e) => strings.indexOf(e[2])),
    edgeTarget: Uint32Array.from(sorted, (e) => e[3]),
    rootIndex: 0,
    locations: null,
    trace: null,
  };
}

describe("leakedStructures", () => {
  // 0 root -> 1 cache (Map) -> 2 table (array) -> 3 Session -> 4 Profile; 3 -> 5 context (internal)
  // 0 -> 6 Holder -weak-> 7 Ghost; 0 -> 8 code (internal, new).
  const heap = graph(
    [
      ["synthetic", ""],
      ["object", "Map"],
      ["array", ""],
      ["object", "Session"],
      ["object", "Profile"],
      ["object", "system / Context"],
      ["object", "Holder"],
      ["object", "Ghost"],
      ["code", "feedback"],
    ],
    [
      [0, "property", "cache", 1],
      [1, "internal", "table", 2],
      [2, "internal", "1", 3],
      [3, "property", "profile", 4],
      [3, "internal", "context", 5],
      [0, "property", "holder", 6],
      [6, "weak", "ghost", 7],
      [0, "internal", "code", 8],
    ],
  );
  const generation = Int16Array.from([-1, -1, 1, 1, 2, 1, -1, 1, 1]);

  it("heads a structure with the outermost candidate a program made, and puts the rest inside", () => {
    const s = leakedStructures(indexHeap(heap), generation, false);
    expect(s.tops).toEqual([3]);
    // The table is V8's, and new, but heads nothing; the Profile and context belong to the Session.
    expect(s.members.sort()).toEqual([4, 5]);
    expect(s.topOf[4]).toBe(3);
    expect(s.topOf[2]).toBe(-1);
  });

  it("leaves out objects held only weakly, and internals nothing owns", () => {
    const s = leakedStructures(indexHeap(heap), generation, false);
    expect(s.weak).toBe(1);
    expect(s.internal).toBe(2);
  });

  it("shows internals as their own tops when asked", () => {
    const s = leakedStructures(indexHeap(heap), generation, true);
    expect(s.tops.sort()).toEqual([2, 3, 8]);
  });
});

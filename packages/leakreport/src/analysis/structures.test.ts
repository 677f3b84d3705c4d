import { type HeapGraph, indexHeap } from "@heapmat/analyzer";
import { describe, expect, it } from "vitest";
import { leakedStructures } from "./structures.js";

const NODE_KINDS = ["hidden", "array", "string", "object", "code", "closure", "synthetic"];
const EDGE_KINDS = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** A tiny graph by hand: nodes [kind, name], edges [from, kind, name, to]. Node 0 is the root. */
function graph(
  nodes: Array<[string, string]>,
  edges: Array<[number, string, string, number]>,
  extra?: Record<string, unknown>,
): HeapGraph {
  const strings = [...new Set([...nodes.map((n) => n[1]), ...edges.map((e) => e[2])])];
  const sorted = [...edges].sort((a, b) => a[0] - b[0]);
  const firstEdge = new Uint32Array(nodes.length + 1);
  for (const [from] of sorted) firstEdge[from + 1]!++;
  for (let i = 0; i < nodes.length; i++) firstEdge[i + 1]! += firstEdge[i]!;
  return {
    info: { format: "heapsnapshot", ...(extra && { extra }) },
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

describe("noise that looks like a program's objects", () => {
  // 0 root -> 1 FeedbackVector -> 2 AllocationSite -> 3 boilerplate {} -> 4 nested [] -> 5 number.
  // 0 -> 6 Cache (the program's) -> 7 scope -> 8 Entry: a Context is never inside a literal.
  const literals = graph(
    [
      ["synthetic", ""],
      ["array", "system / FeedbackVector"],
      ["object", "system / AllocationSite"],
      ["object", "Object"],
      ["object", "Array"],
      ["number", "number"],
      ["object", "Cache"],
      ["object", "system / Context"],
      ["object", "Entry"],
    ],
    [
      [0, "internal", "feedback", 1],
      [1, "hidden", "4", 2],
      [2, "internal", "transition_info", 3],
      [3, "property", "list", 4],
      [4, "element", "0", 5],
      [0, "property", "cache", 6],
      [6, "internal", "context", 7],
      [7, "context", "entry", 8],
    ],
  );

  it("leaves out literals' boilerplates, nested ones too", () => {
    const generation = Int16Array.from([-1, -1, -1, 1, 1, 1, -1, -1, 2]);
    const s = leakedStructures(indexHeap(literals), generation, false);
    expect(s.tops).toEqual([8]);
    expect(s.internal).toBe(3);
  });

  // 0 root -> 1 Worker -> 2 listener (a closure of the dumper's) -> 3 its scope -> 4 {info} -> 5 number;
  // 3 -> 6 Session -> 7 Profile: a program's object between the scope and the candidate.
  // 8 app's closure -> 9 its scope -> 10 Entry. Closures name their script: closure -> shared -> script.
  const DUMPER = "/srv/app/node_modules/.pnpm/x/node_modules/my-dumper/dist";
  function heldHeap(dumperDir?: string) {
    return graph(
      [
        ["synthetic", ""],
        ["object", "Worker"],
        ["closure", "(anonymous)"],
        ["object", "system / Context"],
        ["object", "Object"],
        ["number", "number"],
        ["object", "Session"],
        ["object", "Profile"],
        ["closure", "handler"],
        ["object", "system / Context"],
        ["object", "Entry"],
        ["code", "system / SharedFunctionInfo"],
        ["code", `file://${DUMPER}/stats-X.mjs`],
        ["code", "system / SharedFunctionInfo"],
        ["code", "file:///srv/app/server.mjs"],
      ],
      [
        [0, "property", "worker", 1],
        [1, "property", "listener", 2],
        [2, "internal", "context", 3],
        [2, "internal", "shared", 11],
        [11, "internal", "script_or_debug_info", 12],
        [3, "context", "options", 4],
        [4, "property", "start", 5],
        [3, "context", "session", 6],
        [6, "property", "profile", 7],
        [0, "property", "handler", 8],
        [8, "internal", "context", 9],
        [8, "internal", "shared", 13],
        [13, "internal", "script_or_debug_info", 14],
        [9, "context", "entry", 10],
      ],
      dumperDir ? { dumperDir } : undefined,
    );
  }
  const held = Int16Array.from([-1, -1, -1, -1, 1, 1, -1, 2, -1, -1, 2, -1, -1, -1, -1]);

  it("leaves out what only heapmat's dumper holds, and counts it", () => {
    const s = leakedStructures(indexHeap(heldHeap(DUMPER)), held, false);
    // The dump's options (and their number) are the dumper's; the Profile hangs from a Session.
    expect(s.tops.sort()).toEqual([10, 7].sort());
    expect(s.dumper).toBe(2);
    expect(s.topOf[4]).toBe(-1);
  });

  it("knows the dumper by its folder in the .hmat, or an installed @heapmat/dumper", () => {
    expect(leakedStructures(indexHeap(heldHeap()), held, false).dumper).toBe(0);
    const installed = heldHeap().strings.indexOf(`file://${DUMPER}/stats-X.mjs`);
    const heap = heldHeap();
    (heap.strings as string[])[installed] =
      "/srv/app/node_modules/@heapmat/dumper/dist/stats-X.mjs";
    expect(leakedStructures(indexHeap(heap), held, false).dumper).toBe(2);
  });

  it("shows it with the internals when asked", () => {
    const s = leakedStructures(indexHeap(heldHeap(DUMPER)), held, true);
    expect(s.dumper).toBe(0);
    expect(s.tops).toContain(4);
  });
});

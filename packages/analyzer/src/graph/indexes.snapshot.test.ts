import { beforeAll, describe, expect, it } from "vitest";
import { takeSnapshot } from "../../test/take-snapshot.js";
import { openSnapshot } from "../node/open.js";
import { strengthOfEdge } from "./edge-strength.js";
import type { HeapGraph } from "./heap-graph.js";
import { EdgeStrength, type HeapIndexes, UNREACHABLE } from "./heap-index.js";
import { indexHeap } from "./indexes.js";

// Indexes of a real V8 snapshot of a small program whose ownership we know.
describe("indexHeap on a real V8 snapshot", () => {
  let graph: HeapGraph;
  let ix: HeapIndexes;
  const find = (kind: string, name: string) => {
    const k = graph.nodeKinds.indexOf(kind);
    const s = graph.strings.indexOf(name);
    const out: number[] = [];
    for (let i = 0; i < graph.nodeCount; i++)
      if (graph.nodeKind[i] === k && graph.nodeName[i] === s) out.push(i);
    return out;
  };
  const edgeTo = (from: number, name: string) => {
    for (let e = graph.firstEdge[from]!; e < graph.firstEdge[from + 1]!; e++)
      if (
        graph.edgeKindIsIndex[graph.edgeKind[e]!] === 0 &&
        graph.strings[graph.edgeName[e]!] === name
      )
        return graph.edgeTarget[e]!;
    return -1;
  };

  beforeAll(async () => {
    const file = takeSnapshot(`
      class Leaf { constructor(i) { this.text = "leaf-" + i + "-".repeat(40); } }
      class Holder { constructor() { this.leaves = []; for (let i = 0; i < 200; i++) this.leaves.push(new Leaf(i)); } }
      globalThis.holder = new Holder();
      class WeakKey {}
      class WeakValue { constructor() { this.blob = "v".repeat(1000); } }
      globalThis.weakKey = new WeakKey();
      globalThis.weakMap = new WeakMap([[globalThis.weakKey, new WeakValue()]]);
    `);
    graph = await openSnapshot(file);
    ix = indexHeap(graph);
  });

  it("keeps the root's retained size equal to the self size of everything reachable", () => {
    let reachable = 0;
    let unreachable = 0;
    for (let i = 0; i < graph.nodeCount; i++) {
      if (ix.dominator[i] === UNREACHABLE) unreachable++;
      else reachable += graph.nodeSelfSize[i]!;
    }
    expect(ix.retainedSize[graph.rootIndex]).toBe(reachable);
    expect(unreachable).toBeLessThan(graph.nodeCount / 10);
  });

  it("gives queries, from the edge kinds, the strength column's every value", () => {
    const strengthOf = strengthOfEdge(graph);
    const kinds = new Set<number>();
    for (let node = 0; node < graph.nodeCount; node++)
      for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
        expect(strengthOf(e, node)).toBe(ix.edgeStrength[e]);
        kinds.add(ix.edgeStrength[e]!);
      }
    // All three strengths occur: the root's shortcuts are strong, others' shortcuts are not.
    expect(kinds.size).toBe(3);
  });

  it("agrees on reachability between distances and dominators", () => {
    for (let i = 0; i < graph.nodeCount; i++)
      expect(ix.distance[i] === UNREACHABLE).toBe(ix.dominator[i] === UNREACHABLE);
  });

  it("gives every node at distance d a strong referrer at distance d - 1, for paths", () => {
    const { firstInref, inrefEdge, inrefSource } = ix.inrefs;
    let checked = 0;
    for (let i = 0; i < graph.nodeCount; i++) {
      const d = ix.distance[i]!;
      if (d === 0 || d === UNREACHABLE) continue;
      let found = false;
      for (let r = firstInref[i]!; r < firstInref[i + 1]! && !found; r++)
        found =
          ix.edgeStrength[inrefEdge[r]!] === EdgeStrength.strong &&
          ix.distance[inrefSource[r]!] === d - 1;
      if (!found) expect.fail(`node ${i} at distance ${d} has no referrer at distance ${d - 1}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(graph.nodeCount / 2);
  });

  it("finds what a Holder owns", () => {
    const [holder] = find("object", "Holder");
    const leaves = find("object", "Leaf");
    expect(leaves).toHaveLength(200);
    const array = edgeTo(holder!, "leaves");
    for (const leaf of leaves) expect(ix.dominator[leaf]).toBe(array);
    expect(ix.dominator[array]).toBe(holder);
    let leafBytes = 0;
    for (const leaf of leaves) leafBytes += ix.retainedSize[leaf]!;
    expect(leafBytes).toBeGreaterThan(200 * 40);
    expect(ix.retainedSize[holder!]).toBeGreaterThan(leafBytes);
    expect(ix.nodeIndexOf(graph.nodeId[holder!]!)).toBe(holder);
    // The global object is one hop from the root (through the root's user-root shortcut).
    const [global] = find("object", "global").filter((g) => edgeTo(g, "holder") >= 0);
    expect(ix.distance[global!]).toBe(1);
    expect(ix.distance[holder!]).toBe(2);
  });

  it("does not let a WeakMap keep its key alive", () => {
    const [key] = find("object", "WeakKey");
    const [value] = find("object", "WeakValue");
    expect(ix.dominator[key!]).not.toBe(UNREACHABLE);
    // The table's own edge to the key is weak.
    const { firstInref, inrefEdge } = ix.inrefs;
    let weakIn = 0;
    for (let r = firstInref[key!]!; r < firstInref[key! + 1]!; r++)
      if (ix.edgeStrength[inrefEdge[r]!] === EdgeStrength.weak) weakIn++;
    expect(weakIn).toBeGreaterThan(0);
    // The value needs both the key and the table: only what dominates both can dominate it.
    expect(ix.distance[value!]).toBeGreaterThan(ix.distance[key!]!);
    const dominatorsOf = (node: number) => {
      const chain = new Set<number>();
      for (let d = node; d !== graph.rootIndex; d = ix.dominator[d]!) chain.add(ix.dominator[d]!);
      return chain;
    };
    expect(dominatorsOf(key!).has(ix.dominator[value!]!)).toBe(true);
  });
});

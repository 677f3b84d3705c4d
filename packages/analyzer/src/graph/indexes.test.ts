import { describe, expect, it } from "vitest";
import { depthFirstNumbering, dominatorInput, dominatorsFromNumbering } from "./dominators.js";
import { EdgeStrength, UNREACHABLE } from "./heap-index.js";
import { histogram } from "./histogram.js";
import { indexHeap } from "./indexes.js";
import { buildInrefs } from "./inrefs.js";
import { naiveDominators, type SmallEdge, smallGraph } from "./testing/small-graph.js";

/** The same numbers in [0, 1) on every run, from `seed`. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

describe("indexHeap on small graphs", () => {
  it("computes strength, inrefs, distances, dominators and retained sizes", () => {
    // 0 -> 1 -> 2 -> 4, 0 -> 3 -> 4 (4 has two ways in), 1 -weak-> 5, 5 unreachable otherwise.
    const graph = smallGraph(
      [0, 10, 20, 30, 40, 50],
      [
        [0, 1],
        [0, 3],
        [1, 2],
        [2, 4],
        [3, 4],
        [1, 5, "weak"],
      ],
    );
    const ix = indexHeap(graph);
    expect(Array.from(ix.edgeStrength)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(Array.from(ix.distance)).toEqual([0, 1, 2, 1, 2, UNREACHABLE]);
    expect(Array.from(ix.dominator)).toEqual([0, 0, 1, 0, 0, UNREACHABLE]);
    expect(Array.from(ix.retainedSize)).toEqual([100, 30, 20, 30, 40, 50]);
    const { firstInref, inrefSource } = ix.inrefs;
    expect(Array.from(inrefSource.subarray(firstInref[4], firstInref[5]))).toEqual([2, 3]);
    expect(ix.nodeIndexOf(9)).toBe(4);
    expect(ix.nodeIndexOf(10)).toBe(-1);
  });

  it("finds the root as the dominator of an object shared by subtrees, whichever referrer comes first", () => {
    // 0 -> 1 -> 2 -> 3 -> 5, 1 -> 4 -> 5, 0 -> 6 -> 5: depth first, 5's referrers give
    // semidominator candidates 3, then 1 (through 4), then 0 (through 6, reached from the root).
    const late = smallGraph(
      [0, 1, 2, 4, 8, 16, 32],
      [
        [0, 1],
        [0, 6],
        [1, 2],
        [1, 4],
        [2, 3],
        [3, 5],
        [4, 5],
        [6, 5],
      ],
    );
    const ix = indexHeap(late);
    expect(Array.from(ix.dominator)).toEqual([0, 0, 1, 2, 1, 0, 0]);
    expect(Array.from(ix.retainedSize)).toEqual([63, 15, 6, 4, 8, 16, 32]);
    // The referrer that leads to the root first (node 1, reached last from the root): the other
    // referrers cannot lower the semidominator any more.
    const first = smallGraph(
      [0, 1, 2, 4, 8],
      [
        [0, 2],
        [0, 1],
        [1, 4],
        [2, 3],
        [3, 4],
      ],
    );
    const iy = indexHeap(first);
    expect(Array.from(iy.dominator)).toEqual([0, 0, 0, 2, 0]);
    expect(Array.from(iy.retainedSize)).toEqual([15, 1, 6, 4, 8]);
  });

  it("skips shortcuts except the root's, which mark user roots", () => {
    const graph = smallGraph(
      [0, 1, 1, 1],
      [
        [0, 1, "shortcut"],
        [1, 2],
        [1, 3, "shortcut"],
        [2, 3],
      ],
    );
    const ix = indexHeap(graph);
    expect(Array.from(ix.edgeStrength)).toEqual([0, 0, EdgeStrength.shortcut, 0]);
    expect(ix.dominator[3]).toBe(2);
    expect(ix.distance[3]).toBe(3);
  });

  it("lets a WeakMap value wait for both its key and its table", () => {
    const pair = "part of key (Object @3) -> value (Object @7) pair in WeakMap (table @5)";
    // root -> key(1); root -> map(4) -> table(2); table -weak-> key; key, table -internal-> value(3)
    const graph = smallGraph(
      [0, 8, 8, 8, 8],
      [
        [0, 1],
        [0, 4],
        [4, 2],
        [2, 1, "weak", "7"],
        [2, 3, "weak", "8"],
        [2, 3, "internal", `3 / ${pair}`],
        [1, 3, "internal", pair],
      ],
    );
    const ix = indexHeap(graph);
    // The key is held by the root only: the table does not keep it alive.
    expect(ix.dominator[1]).toBe(0);
    // The value is reached at the farther of key (1) and table (2), plus one.
    expect(ix.distance[3]).toBe(3);
    expect(ix.dominator[3]).toBe(0);
  });

  it("reads Perl's edge kinds: weak is weak, indirect a shortcut, the rest strong; classes by pmat's type", () => {
    const v8 = smallGraph(
      [0, 10, 20, 30],
      [
        [0, 1],
        [1, 2, "weak"],
        [1, 3, "internal"],
        [0, 3, "element"],
      ],
    );
    // Re-label the edge kinds as Perl's: strong, weak, indirect, inferred.
    const kinds = ["strong", "weak", "indirect", "inferred"];
    const graph = {
      ...v8,
      info: { format: "pmat" as const },
      nodeKinds: ["synthetic", "HASH", "SCALAR"],
      nodeKind: Uint8Array.of(0, 1, 2, 1),
      nodeName: Uint32Array.of(0, v8.strings.length, v8.strings.length + 1, v8.strings.length),
      strings: [...v8.strings, "My::Class", "SCALAR"],
      edgeKinds: kinds,
      edgeKindIsIndex: new Uint8Array(4),
      edgeKind: Uint8Array.of(0, 0, 1, 2), // edges sorted by source: 0->1, 0->3, 1->2, 1->3
    };
    const ix = indexHeap(graph);
    expect(Array.from(ix.edgeStrength)).toEqual([0, 0, 1, 2]);
    expect(ix.dominator[2]).toBe(UNREACHABLE);
    expect(ix.dominator[3]).toBe(0);
    const h = histogram(ix);
    expect(h.className).toEqual(["My::Class", "SCALAR"]);
    expect(Array.from(h.count)).toEqual([2, 1]);
    expect(Array.from(h.retainedSize)).toEqual([40, 0]);
  });

  it("needs nothing of the numbering's scratch arrays: garbage in them changes no dominator", () => {
    const random = seededRandom(7);
    for (let round = 0; round < 50; round++) {
      const n = 5 + Math.floor(random() * 80);
      const edges: SmallEdge[] = [];
      for (let k = 0; k < n * 3; k++)
        edges.push([Math.floor(random() * n), 1 + Math.floor(random() * (n - 1))]);
      const graph = smallGraph(
        Array.from({ length: n }, (_, i) => i + 1),
        edges,
      );
      const input = dominatorInput(graph);
      const numbering = depthFirstNumbering(input);
      // The forest and the compression stack reuse these: whatever is left in them is unread.
      for (const scratch of numbering.scratch)
        for (let i = 0; i < scratch.length; i++)
          scratch[i] = random() < 0.5 ? UNREACHABLE : Math.floor(random() * 2 * n);
      const tree = dominatorsFromNumbering(input, buildInrefs(graph), numbering);
      expect(Array.from(tree.dominator)).toEqual(Array.from(indexHeap(graph).dominator));
    }
  });

  it("agrees with dominators computed by definition on random graphs", () => {
    const random = seededRandom(42);
    for (let round = 0; round < 30; round++) {
      const n = 5 + Math.floor(random() * 60);
      const edges: SmallEdge[] = [];
      const m = Math.floor(n * (1 + random() * 3));
      for (let k = 0; k < m; k++) {
        const from = Math.floor(random() * n);
        const to = 1 + Math.floor(random() * (n - 1));
        edges.push([from, to, random() < 0.15 ? "weak" : "property"]);
      }
      const sizes = Array.from({ length: n }, () => 1 + Math.floor(random() * 100));
      const graph = smallGraph(sizes, edges);
      const ix = indexHeap(graph);
      const expected = naiveDominators(graph, (e) => ix.edgeStrength[e] === EdgeStrength.strong);
      const got = Array.from(ix.dominator, (d) => (d === UNREACHABLE ? -1 : d));
      expect(got).toEqual(Array.from(expected));
      // Retained size by definition: the sizes of everything a node dominates, itself included.
      for (let v = 0; v < n; v++) {
        if (expected[v]! < 0) continue;
        let sum = 0;
        for (let u = 0; u < n; u++) {
          let d = u;
          while (expected[d]! >= 0 && d !== v && d !== graph.rootIndex) d = expected[d]!;
          if (d === v && expected[u]! >= 0) sum += sizes[u]!;
        }
        expect(ix.retainedSize[v]).toBe(sum);
      }
    }
  });
});

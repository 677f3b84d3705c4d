import { bfsDistances } from "./distance.js";
import { buildDominatorTree, type DominatorTree, dominatorInput } from "./dominators.js";
import { edgeStrengths, ephemeronNameFlags, strengthRule } from "./edge-strength.js";
import type { HeapGraph } from "./heap-graph.js";
import type { HeapIndexes, Inrefs } from "./heap-index.js";
import { buildInrefs } from "./inrefs.js";
import { nodeIndexLookup } from "./node-lookup.js";

/** Indexes computed earlier for the same graph (read from the sidecar cache, or by other threads). */
export interface PrecomputedIndexes {
  edgeStrength?: Uint8Array | undefined;
  inrefs?: Inrefs | undefined;
  distance?: Uint32Array | undefined;
  dominator?: Uint32Array | undefined;
  retainedSize?: Float64Array | undefined;
}

/**
 * The derived indexes of a heap graph. Each is computed on first access, once; `precomputed` ones
 * (from the sidecar cache) are taken as they are.
 */
export function indexHeap(graph: HeapGraph, precomputed?: PrecomputedIndexes): HeapIndexes {
  return new LazyIndexes(graph, precomputed);
}

class LazyIndexes implements HeapIndexes {
  #edgeStrength?: Uint8Array;
  #inrefs?: Inrefs;
  #distance?: Uint32Array;
  #tree?: DominatorTree;
  #lookup?: (id: number) => number;
  #points?: HeapIndexes;

  constructor(
    readonly graph: HeapGraph,
    precomputed?: PrecomputedIndexes,
  ) {
    if (precomputed) {
      this.#edgeStrength = precomputed.edgeStrength;
      this.#inrefs = precomputed.inrefs;
      this.#distance = precomputed.distance;
      const { dominator, retainedSize } = precomputed;
      if (dominator && retainedSize) this.#tree = { dominator, retainedSize };
    }
  }

  get edgeStrength(): Uint8Array {
    this.#edgeStrength ??= edgeStrengths(this.graph);
    return this.#edgeStrength;
  }

  get inrefs(): Inrefs {
    this.#inrefs ??= buildInrefs(this.graph);
    return this.#inrefs;
  }

  get distance(): Uint32Array {
    this.#distance ??= bfsDistances(
      this.graph,
      strengthRule(this.graph.edgeKinds),
      ephemeronNameFlags(this.graph),
      () => this.inrefs,
    );
    return this.#distance;
  }

  get dominator(): Uint32Array {
    return this.#dominatorTree().dominator;
  }

  get retainedSize(): Float64Array {
    return this.#dominatorTree().retainedSize;
  }

  nodeIndexOf(id: number): number {
    this.#lookup ??= nodeIndexLookup(this.graph.nodeId);
    return this.#lookup(id);
  }

  /** Where the graph's strings are made when read, the same indexes over a graph that makes few. */
  forPointReads(): HeapIndexes {
    const lazy = this.graph.lazyStrings;
    if (!lazy || lazy.materialized) return this;
    this.#points ??= withGraph(this, Object.create(this.graph, { strings: { get: lazy.points } }));
    return this.#points;
  }

  #dominatorTree(): DominatorTree {
    this.#tree ??= buildDominatorTree(dominatorInput(this.graph), this.inrefs);
    return this.#tree;
  }
}

/** `indexes` over another view of the same graph. */
function withGraph(indexes: HeapIndexes, graph: HeapGraph): HeapIndexes {
  return {
    graph,
    get edgeStrength() {
      return indexes.edgeStrength;
    },
    get inrefs() {
      return indexes.inrefs;
    },
    get distance() {
      return indexes.distance;
    },
    get dominator() {
      return indexes.dominator;
    },
    get retainedSize() {
      return indexes.retainedSize;
    },
    nodeIndexOf: (id) => indexes.nodeIndexOf(id),
  };
}

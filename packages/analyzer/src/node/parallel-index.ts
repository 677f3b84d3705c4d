// Builds every index of a heap graph on two threads: the dominator tree on a worker, the inrefs and
// then the distances on this one. Only where the columns are on shared memory (no copies) and the
// heap is big enough for a thread's start-up (~30 ms) to pay; otherwise on this thread.
import { bfsDistances } from "../graph/distance.js";
import { type DominatorTree, dominatorInput } from "../graph/dominators.js";
import { edgeStrengths, ephemeronNameFlags } from "../graph/edge-strength.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { buildInrefs } from "../graph/inrefs.js";
import { isShared } from "../graph/shared-memory.js";
import { isBuilt, startThread } from "./threads.js";

export interface ParallelIndexOptions {
  /** Below this many nodes the indexes are built on this thread. Default 200,000. */
  minNodes?: number;
}

/** The graph's indexes, all computed: on two threads when that pays, else on this one. */
export async function parallelIndexes(
  graph: HeapGraph,
  options: ParallelIndexOptions = {},
): Promise<HeapIndexes> {
  const shared = [graph.firstEdge, graph.edgeTarget, graph.edgeKind, graph.nodeSelfSize].every(
    isShared,
  );
  if (shared && dominatorThreadFile() && graph.nodeCount >= (options.minNodes ?? 200_000)) {
    // A thread that cannot run (out of memory, say) costs only time: this one does it all.
    const indexes = await indexOnTwoThreads(graph).catch(() => null);
    if (indexes) return indexes;
  }
  return computed(indexHeap(graph));
}

/** The indexes with the dominator tree built on a worker thread; rejects when the worker fails. */
export async function indexOnTwoThreads(graph: HeapGraph): Promise<HeapIndexes> {
  const thread = dominatorThreadFile();
  if (!thread) throw new Error("the dominator thread's file is not built");
  // The thread starts first: it needs nothing computed here before its depth-first numbering.
  const input = dominatorInput(graph);
  const { worker, result: tree } = startThread<DominatorTree>(thread, input, "dominator");
  try {
    // While the worker numbers the nodes depth-first, build the inrefs it needs next.
    const inrefs = buildInrefs(graph);
    worker.postMessage(inrefs);
    const edgeStrength = edgeStrengths(graph);
    const distance = bfsDistances(graph, edgeStrength, ephemeronNameFlags(graph), () => inrefs);
    return indexHeap(graph, { edgeStrength, inrefs, distance, ...(await tree) });
  } finally {
    // Not awaited: the thread frees its scratch arrays (400 MB at 20M nodes) on its own time.
    void worker.terminate();
  }
}

/** Forces every lazy index, so the caller's first query does not pay for one. */
function computed(indexes: HeapIndexes): HeapIndexes {
  indexes.distance;
  indexes.retainedSize;
  return indexes;
}

/** The worker's file beside this one once built; in the sources (tests) there is none. */
function dominatorThreadFile(): URL | null {
  const url = new URL("./dominator-thread.js", import.meta.url);
  return isBuilt(url) ? url : null;
}

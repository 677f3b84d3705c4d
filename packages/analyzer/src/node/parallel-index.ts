// Builds every index of a heap graph on two threads: the dominator tree on a worker; the inrefs and
// the distances (which need the strings) on this one. Both read strengths by edge kind, as queries
// do, so the strength column is left to be built on demand. Only where the columns are on
// shared memory (no copies) and the heap is big enough for a thread's start-up (~30 ms) to pay;
// otherwise on this thread. The work can begin from a graph's tables, before its reader has
// finished, and the thread start before the reading (readAndIndex).
import { stat } from "node:fs/promises";
import type { Worker } from "node:worker_threads";
import { bfsDistances } from "../graph/distance.js";
import { type DominatorTree, dominatorInput } from "../graph/dominators.js";
import { ephemeronNameFlags, strengthRule } from "../graph/edge-strength.js";
import type { HeapGraph, HeapTables } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { buildInrefs } from "../graph/inrefs.js";
import { isShared } from "../graph/shared-memory.js";
import { type OpenOptions, openSnapshot } from "./open.js";
import { isBuilt, startThread } from "./threads.js";

export interface ParallelIndexOptions {
  /** Below this many nodes the indexes are built on this thread. Default 200,000. */
  minNodes?: number;
}

export interface ReadAndIndexOptions extends OpenOptions, ParallelIndexOptions {
  /** From this file size on, the dominator thread starts before the read. Default 4 MiB. */
  earlyThreadBytes?: number;
}

/**
 * The graph's indexes, all computed (but the strength column, built when first read): on two
 * threads when that pays, else on this one.
 */
export async function parallelIndexes(
  graph: HeapGraph,
  options: ParallelIndexOptions = {},
): Promise<HeapIndexes> {
  return finishIndexes(graph, begin(graph, options));
}

/**
 * Reads a snapshot file and builds all its indexes. Where the reader hands over the node and edge
 * tables before it is done (.hmat: before its strings), the dominator thread and the inrefs start
 * then, overlapping the rest of the read.
 */
export async function readAndIndex(
  path: string,
  options: ReadAndIndexOptions = {},
): Promise<{ graph: HeapGraph; indexes: HeapIndexes }> {
  // A big file's dominator thread starts up while the file is read, not once its tables are in.
  const earlyFrom = options.earlyThreadBytes ?? EARLY_THREAD_BYTES;
  let thread = (await fileSize(path)) >= earlyFrom ? dominatorThread() : null;
  const early: { tables?: HeapTables; begun?: IndexesBegun | null } = {};
  const onTables = (tables: HeapTables) => {
    early.tables = tables;
    early.begun = begin(tables, options, thread);
    thread = null;
  };
  let graph: HeapGraph;
  try {
    graph = await openSnapshot(path, { ...options, onTables });
  } catch (error) {
    early.begun?.cancel();
    void thread?.worker.terminate();
    throw error;
  }
  let begun = early.begun ?? null;
  // The reader promised these very columns; should it not hold, nothing built on them is kept.
  if (begun && !sameTables(graph, early.tables!)) {
    begun.cancel();
    begun = null;
  }
  return { graph, indexes: await finishIndexes(graph, begun ?? begin(graph, options, thread)) };
}

/** From this file size on, readAndIndex starts the dominator thread before reading (~30 ms). */
const EARLY_THREAD_BYTES = 4 << 20;

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (stats) => stats.size,
    () => 0, // the read names the problem
  );
}

/** The indexes with the dominator tree built on a worker thread; rejects when the worker fails. */
export async function indexOnTwoThreads(graph: HeapGraph): Promise<HeapIndexes> {
  const thread = dominatorThread();
  if (!thread) throw new Error("the dominator thread's file is not built");
  return beginIndexes(graph, thread).finish(graph);
}

/** Index building under way from a graph's tables: the dominator thread started, the inrefs built. */
interface IndexesBegun {
  /** The indexes of the graph the tables are of; rejects when the worker fails. */
  finish(graph: HeapGraph): Promise<HeapIndexes>;
  cancel(): void;
}

/**
 * Index building begun on two threads (on `started`, a dominator thread already started, if any),
 * when that pays and can start; else null.
 */
function begin(
  tables: HeapTables,
  options: ParallelIndexOptions,
  started: DominatorThread | null = null,
): IndexesBegun | null {
  const columns = [tables.firstEdge, tables.edgeTarget, tables.edgeKind, tables.nodeSelfSize];
  const big = tables.nodeCount >= (options.minNodes ?? 200_000);
  const thread = big && columns.every(isShared) ? (started ?? dominatorThread()) : null;
  if (!thread) {
    void started?.worker.terminate();
    return null;
  }
  try {
    return beginIndexes(tables, thread);
  } catch {
    return null; // this thread then does it all, if it can
  }
}

function sameTables(graph: HeapGraph, tables: HeapTables): boolean {
  return (
    graph.nodeCount === tables.nodeCount &&
    graph.edgeCount === tables.edgeCount &&
    graph.firstEdge === tables.firstEdge &&
    graph.edgeTarget === tables.edgeTarget &&
    graph.edgeKind === tables.edgeKind &&
    graph.nodeSelfSize === tables.nodeSelfSize &&
    graph.rootIndex === tables.rootIndex
  );
}

/** A started dominator thread (dominator-thread.ts), or null where its file is not built. */
type DominatorThread = { worker: Worker; result: Promise<DominatorTree> };

function dominatorThread(): DominatorThread | null {
  const file = dominatorThreadFile();
  if (!file) return null;
  try {
    const thread = startThread<DominatorTree>(file, undefined, "dominator");
    thread.result.catch(() => {}); // awaited only once given work; its failure then falls back
    return thread;
  } catch {
    return null; // this thread then does it all, if it can
  }
}

function beginIndexes(tables: HeapTables, { worker, result: tree }: DominatorThread): IndexesBegun {
  // Not awaited: the thread frees its scratch arrays (400 MB at 20M nodes) on its own time.
  const cancel = () => void worker.terminate();
  let inrefs: HeapIndexes["inrefs"];
  try {
    // The thread first: it needs nothing computed here before its depth-first numbering.
    worker.postMessage(dominatorInput(tables));
    // While the worker numbers the nodes depth-first, build the inrefs it needs next.
    inrefs = buildInrefs(tables);
    worker.postMessage(inrefs);
  } catch (error) {
    cancel();
    throw error;
  }
  return {
    async finish(graph) {
      try {
        const ephemerons = ephemeronNameFlags(graph);
        const rule = strengthRule(graph.edgeKinds);
        const distance = bfsDistances(graph, rule, ephemerons, () => inrefs);
        return indexHeap(graph, { inrefs, distance, ...(await tree) });
      } finally {
        cancel();
      }
    },
    cancel,
  };
}

/** The indexes from work begun, or all on this thread when none was or the worker failed. */
async function finishIndexes(graph: HeapGraph, begun: IndexesBegun | null): Promise<HeapIndexes> {
  // A thread that cannot run (out of memory, say) costs only time: this one does it all.
  const indexes = begun && (await begun.finish(graph).catch(() => null));
  return indexes ?? computed(indexHeap(graph));
}

/**
 * Forces every lazy index, so the caller's first query does not pay for one. Not the strength
 * column: queries read strengths from the edge kinds (strengthOfEdge).
 */
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

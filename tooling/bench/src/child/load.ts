// Loads and fully indexes one snapshot file with one tool, in a process of its own, so the harness
// sees that tool's wall time and peak RSS alone. Phase times are reported beside them.
import { readFileSync } from "node:fs";
import type { HeapGraph, HeapIndexes } from "@heapmat/analyzer";
import { childOptions, guarded, required } from "../run/child-io.js";
import { type HeapmatAnalyzer, loadHeapmat } from "../run/heapmat.js";

const options = childOptions(["tool", "file", "identify", "cache"]);
const tool = required(options, "tool");
const file = required(options, "file");
const phases: Record<string, number> = {};

async function phase<T>(name: string, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const value = await work();
  phases[name] = performance.now() - start;
  return value;
}

const loaders: Record<string, () => Promise<Record<string, unknown>>> = {
  async json() {
    const json = await phase("parse", () => JSON.parse(readFileSync(file, "utf8")));
    return { nodes: json.snapshot.node_count, edges: json.snapshot.edge_count };
  },

  async memlab() {
    // A CommonJS package whose named exports Node's ESM loader cannot see: take them from default.
    const { utils, TraceFinder } = (await import("@memlab/core")).default;
    const snapshot = await phase("parse", () =>
      utils.getSnapshotFromFile(file, { buildNodeIdIndex: true }),
    );
    const finder = new TraceFinder();
    await phase("paths", () => finder.annotateShortestPaths(snapshot));
    await phase("retained", () => finder.calculateAllNodesRetainedSizes(snapshot));
    return {
      nodes: snapshot.nodes.length,
      edges: snapshot.edges.length,
      rootRetainedSize: snapshot.nodes.get(0)?.retainedSize,
    };
  },

  async heapmat() {
    const heapmat = await loadHeapmat();
    if (typeof heapmat === "string") return { unavailable: heapmat };
    // --cache write|hit: the sidecar index cache, written by one process, then re-opened from.
    const cache = options.values.cache;
    if (cache) {
      if (!heapmat.openIndexed)
        return { unavailable: "@heapmat/analyzer has no openIndexed() yet" };
      const opened = await phase("open", () => heapmat.openIndexed!(file));
      if (cache === "hit" && opened.cache !== "hit")
        throw new Error(`index cache: ${opened.cache}`);
      // Columns load on first use: a first query shows what re-opening costs before an answer.
      const first = await phase("first identify", () => heapmat.timeIdentify(opened.indexes, 1));
      if ("unavailable" in first) return { unavailable: first.unavailable };
      return {
        nodes: opened.graph.nodeCount,
        edges: opened.graph.edgeCount,
        cache: opened.cache,
        rootRetainedSize: opened.indexes.retainedSize[opened.graph.rootIndex],
      };
    }
    if (heapmat.readAndIndex) {
      // As openIndexed does on a miss: the indexes begin before the read ends, so one phase.
      const { graph, indexes } = await phase("read and indexes", () => heapmat.readAndIndex!(file));
      return indexedResult("readAndIndex", graph, indexes, heapmat);
    }
    let reader = "openSnapshot";
    const graph = await phase("read", async () => {
      try {
        return await heapmat.openSnapshot(file);
      } catch (error) {
        // openSnapshot sniffs the format; until it dispatches to the .hmat reader, it rejects the
        // file at its first byte, and the reader is called directly when it is exported.
        const notRead = file.endsWith(".hmat") && (error as { offset?: number })?.offset === 0;
        if (!notRead) throw error;
        if (!heapmat.readHmat)
          return `the analyzer does not read .hmat yet (${(error as Error).message})`;
        reader = "readHmat";
        return heapmat.readHmat(file);
      }
    });
    if (typeof graph === "string") return { unavailable: graph };
    if (!heapmat.indexHeap)
      return { unavailable: "@heapmat/analyzer has no indexHeap() yet", phases };
    const { indexHeap, parallelIndexes } = heapmat;
    let index: HeapIndexes;
    if (parallelIndexes) {
      // Inrefs and distances here, the dominator tree on a second thread, overlapping.
      index = await phase("indexes", () => parallelIndexes(graph));
    } else {
      index = indexHeap(graph);
      await phase("inrefs", () => index.inrefs);
      await phase("distances", () => index.distance);
      await phase("dominators", () => index.dominator);
      await phase("retained", () => index.retainedSize);
    }
    return indexedResult(reader, graph, index, heapmat);
  },
};

/** What a heapmat load reports: sizes, the root's retained size, and identify's times if asked. */
function indexedResult(
  reader: string,
  graph: HeapGraph,
  index: HeapIndexes,
  heapmat: HeapmatAnalyzer,
): Record<string, unknown> {
  const result: Record<string, unknown> = {
    reader,
    nodes: graph.nodeCount,
    edges: graph.edgeCount,
    rootRetainedSize: index.retainedSize[graph.rootIndex],
  };
  const identifyCount = Number(options.values.identify ?? 0);
  if (identifyCount > 0) {
    const times = heapmat.timeIdentify(index, identifyCount);
    if ("unavailable" in times) return { unavailable: times.unavailable };
    result.identifyCount = times.count;
    result.identifyMedianMs = times.medianMs;
    result.identifyMaxMs = times.maxMs;
    result.identifyTotalMs = times.totalMs;
  }
  return result;
}

await guarded(options, async () => {
  const load = loaders[tool];
  if (!load) throw new Error(`unknown tool ${tool}`);
  const result = await load();
  return { ...result, phases, peakRss: process.resourceUsage().maxRSS * 1024 };
});

// Type-only: the anchors' processes share this module and must not load heapmat at all.
import type { HeapGraph, HeapIndexes } from "@heapmat/analyzer";

// heapmat's pieces, found at run time: a piece that does not exist yet gives a reason string, so
// its row says "not available" instead of failing the whole run.

type DumpFn = (file: string) => Promise<unknown>;

export async function loadDumper(): Promise<DumpFn | string> {
  const dumper = (await import("@heapmat/dumper")) as Record<string, unknown>;
  if (typeof dumper.dump !== "function") return "@heapmat/dumper has no dump() yet";
  const dump = dumper.dump as (file: string, options?: object) => Promise<unknown>;
  return (file) => dump(file);
}

export interface HeapmatAnalyzer {
  openSnapshot(file: string): Promise<HeapGraph>;
  /** The .hmat reader itself, for when openSnapshot does not dispatch to it yet. */
  readHmat: ((file: string) => Promise<HeapGraph>) | undefined;
  /** Opens with the sidecar index cache (computing and writing it on a miss), when it exists. */
  openIndexed:
    | ((file: string) => Promise<{ graph: HeapGraph; indexes: HeapIndexes; cache: string }>)
    | undefined;
  indexHeap: ((graph: HeapGraph) => HeapIndexes) | undefined;
  /** Every index computed, on two threads where it pays. */
  parallelIndexes: ((graph: HeapGraph) => Promise<HeapIndexes>) | undefined;
  /** Read and every index, begun before the read ends where it can (openIndexed on a miss). */
  readAndIndex: ((file: string) => Promise<{ graph: HeapGraph; indexes: HeapIndexes }>) | undefined;
  timeIdentify(index: HeapIndexes, count: number): IdentifyTimes;
}

export type IdentifyTimes =
  | { unavailable: string }
  | { count: number; medianMs: number; maxMs: number; totalMs: number };

export async function loadHeapmat(): Promise<HeapmatAnalyzer | string> {
  const node = (await import("@heapmat/analyzer/node")) as Record<string, unknown>;
  const core = (await import("@heapmat/analyzer")) as Record<string, unknown>;
  if (typeof node.openSnapshot !== "function")
    return "@heapmat/analyzer/node has no openSnapshot()";
  const indexHeap = (core.indexHeap ?? node.indexHeap) as HeapmatAnalyzer["indexHeap"];
  const identify = core.identify as ((index: HeapIndexes, node: number) => unknown) | undefined;
  // What the shell prints: the retainer tree as text (when the analyzer renders it).
  const render = core.renderIdentification as ((identification: unknown) => string) | undefined;
  return {
    openSnapshot: node.openSnapshot as HeapmatAnalyzer["openSnapshot"],
    readHmat:
      typeof core.readHmat === "function" && typeof node.fileSource === "function"
        ? async (file) => {
            const source = await (node.fileSource as (path: string) => Promise<unknown>)(file);
            return (core.readHmat as (source: unknown) => Promise<HeapGraph>)(source);
          }
        : undefined,
    openIndexed:
      typeof node.openIndexed === "function"
        ? (node.openIndexed as HeapmatAnalyzer["openIndexed"])
        : undefined,
    indexHeap: typeof indexHeap === "function" ? indexHeap : undefined,
    parallelIndexes:
      typeof node.parallelIndexes === "function"
        ? (node.parallelIndexes as HeapmatAnalyzer["parallelIndexes"])
        : undefined,
    readAndIndex:
      typeof node.readAndIndex === "function"
        ? (node.readAndIndex as HeapmatAnalyzer["readAndIndex"])
        : undefined,
    timeIdentify(index, count) {
      if (typeof identify !== "function")
        return { unavailable: "@heapmat/analyzer has no identify() yet" };
      const unreachable = core.UNREACHABLE as number;
      const times = randomReachable(index, count, unreachable).map((node) => {
        const start = performance.now();
        const identification = identify(index, node);
        render?.(identification);
        return performance.now() - start;
      });
      return summarizeTimes(times);
    },
  };
}

/** `count` distinct reachable nodes, the same ones every run (a fixed-seed generator). */
function randomReachable(index: HeapIndexes, count: number, unreachable: number): number[] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const picked = new Set<number>();
  const n = index.graph.nodeCount;
  for (let tries = 0; picked.size < count && tries < count * 1000; tries++) {
    const node = Math.floor(random() * n);
    if (index.distance[node] !== unreachable) picked.add(node);
  }
  return [...picked];
}

function summarizeTimes(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    count: times.length,
    medianMs: sorted[sorted.length >> 1] ?? 0,
    maxMs: sorted[sorted.length - 1] ?? 0,
    totalMs: times.reduce((a, b) => a + b, 0),
  };
}

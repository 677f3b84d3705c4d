import type { HeapGraph } from "./heap-graph.js";

/** One frame of an allocation stack. Line and column are 1-based; 0 when unknown. */
export interface AllocationFrame {
  functionName: string;
  scriptName: string;
  line: number;
  column: number;
}

const treeIndexes = new WeakMap<HeapGraph, Map<number, number>>();

/**
 * Where node `node` was allocated, innermost frame first, from V8's allocation trace tree. Null
 * when the dump has no allocation tracking or the object was allocated before tracking began.
 */
export function allocationStack(graph: HeapGraph, node: number): AllocationFrame[] | null {
  const { trace, nodeTraceId } = graph;
  if (trace === null || nodeTraceId === null) return null;
  const traceId = nodeTraceId[node]!;
  if (traceId === 0) return null;
  let byId = treeIndexes.get(graph);
  if (byId === undefined) {
    byId = new Map();
    for (let t = 0; t < trace.id.length; t++) byId.set(trace.id[t]!, t);
    treeIndexes.set(graph, byId);
  }
  const frames: AllocationFrame[] = [];
  for (let t = byId.get(traceId) ?? -1; t >= 0 && trace.parent[t]! >= 0; t = trace.parent[t]!) {
    const info = trace.functionInfo[t]!;
    frames.push({
      functionName: graph.strings[trace.functionName[info]!] ?? "",
      scriptName: graph.strings[trace.scriptName[info]!] ?? "",
      line: trace.functionLine[info]!,
      column: trace.functionColumn[info]!,
    });
  }
  return frames.length > 0 ? frames : null;
}

import type { HeapGraph } from "@heapmat/analyzer";

/** One frame of an allocation stack. `line` and `column` are 1-based; 0 means unknown. */
export interface Frame {
  function: string;
  url: string;
  line: number;
  column: number;
}

/** Allocation stacks of one dump, when it was taken with allocation tracking. */
export class AllocationStacks {
  readonly #graph: HeapGraph;
  readonly #traceIndex = new Map<number, number>();

  private constructor(graph: HeapGraph) {
    this.#graph = graph;
    const ids = graph.trace!.id;
    for (let t = 0; t < ids.length; t++) this.#traceIndex.set(ids[t]!, t);
  }

  static of(graph: HeapGraph): AllocationStacks | null {
    return graph.trace && graph.nodeTraceId ? new AllocationStacks(graph) : null;
  }

  /** The stack that allocated `node`, innermost frame first; null when unknown. */
  stack(node: number): Frame[] | null {
    const graph = this.#graph;
    const trace = graph.trace!;
    let t = this.#traceIndex.get(graph.nodeTraceId![node]!) ?? -1;
    if (t < 0) return null;
    const frames: Frame[] = [];
    for (; t >= 0; t = trace.parent[t]!) {
      const info = trace.functionInfo[t]!;
      const name = graph.strings[trace.functionName[info]!] ?? "";
      if (trace.parent[t]! < 0 && name === "(root)") break;
      frames.push({
        function: name || "(anonymous)",
        url: graph.strings[trace.scriptName[info]!] ?? "",
        line: trace.functionLine[info]!,
        column: trace.functionColumn[info]!,
      });
    }
    return frames.length > 0 ? frames : null;
  }

  /** The allocating frame as one short string, for grouping. */
  site(node: number): string {
    const top = this.stack(node)?.[0];
    return top ? `${top.function} ${top.url}:${top.line}` : "";
  }
}

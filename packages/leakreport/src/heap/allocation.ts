import { allocationStack, type HeapGraph } from "@heapmat/analyzer";

/** One frame of an allocation stack. `line` and `column` are 1-based; 0 means unknown. */
export interface Frame {
  function: string;
  url: string;
  line: number;
  column: number;
}

/** The stack that allocated `node`, innermost frame first; null without allocation tracking. */
export function allocationFrames(graph: HeapGraph, node: number): Frame[] | null {
  const frames = allocationStack(graph, node);
  if (!frames) return null;
  return frames.map((f) => ({
    function: f.functionName || "(anonymous)",
    url: f.scriptName,
    line: f.line,
    column: f.column,
  }));
}

/** The allocating frame as one short string, for grouping; "" when unknown. */
export function allocationSite(graph: HeapGraph, node: number): string {
  const top = allocationStack(graph, node)?.[0];
  return top ? `${top.functionName} ${top.scriptName}:${top.line}` : "";
}

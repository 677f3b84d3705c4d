import { type AllocationFrame, allocationStack } from "../graph/allocation-stack.js";
import { forPointReads, type HeapIndexes, UNREACHABLE } from "../graph/heap-index.js";
import { checkNode, describe, type SourceLocation, sourceLocation, typeName } from "./describe.js";
import { type EdgeInfo, inrefs, outrefs } from "./edges.js";
import { isString, kindOf, nameOf, stringValue, vocabulary } from "./vocabulary.js";

/** A count of edges per kind, and the first few of them. */
export interface EdgeSummary {
  count: number;
  byKind: Record<string, number>;
  first: EdgeInfo[];
}

/** Everything known about one object. JSON-serialisable. */
export interface ObjectReport {
  id: number;
  index: number;
  kind: string;
  /** The raw name: constructor, function name, string value or V8 label. */
  name: string;
  /** The name shown in labels: constructor, `{a, b}` shape, `closure 'f'`, quoted string. */
  typeName: string;
  description: string;
  selfSize: number;
  retainedSize: number;
  /** Hops from the roots over strong edges; null when unreachable. */
  distance: number | null;
  /** The immediate dominator's id; null for the root and unreachable objects. */
  dominatorId: number | null;
  /** The full value, for strings. */
  stringValue?: string;
  /** Where a closure's code is. */
  location?: SourceLocation;
  /** Where it was allocated, innermost frame first, when the dump tracked allocations. */
  allocationStack?: AllocationFrame[];
  outrefs: EdgeSummary;
  inrefs: EdgeSummary;
}

/** `show`: kind, name, sizes, distance, edges summaries, string value, location, allocation. */
export function show(
  indexes: HeapIndexes,
  node: number,
  options: { edges?: number } = {},
): ObjectReport {
  const index = forPointReads(indexes);
  const graph = index.graph;
  checkNode(graph, node);
  const firstCount = options.edges ?? 10;
  const distance = index.distance[node]!;
  const dominator = index.dominator[node]!;
  const report: ObjectReport = {
    id: graph.nodeId[node]!,
    index: node,
    kind: kindOf(graph, node),
    name: nameOf(graph, node),
    typeName: typeName(graph, node),
    description: describe(index, node),
    selfSize: graph.nodeSelfSize[node]!,
    retainedSize: index.retainedSize[node]!,
    distance: distance === UNREACHABLE ? null : distance,
    dominatorId:
      dominator === UNREACHABLE || node === graph.rootIndex ? null : graph.nodeId[dominator]!,
    outrefs: summarise(outrefs(indexes, node), firstCount),
    inrefs: summarise(inrefs(indexes, node), firstCount),
  };
  if (isString(graph, node)) report.stringValue = stringValue(graph, node);
  if (graph.nodeKind[node] === vocabulary(graph).closure) {
    const location = sourceLocation(graph, node);
    if (location) report.location = location;
  }
  const stack = allocationStack(graph, node);
  if (stack) report.allocationStack = stack;
  return report;
}

function summarise(edges: EdgeInfo[], first: number): EdgeSummary {
  const byKind: Record<string, number> = {};
  for (const edge of edges) byKind[edge.kind] = (byKind[edge.kind] ?? 0) + 1;
  return { count: edges.length, byKind, first: edges.slice(0, first) };
}

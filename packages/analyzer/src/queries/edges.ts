import { strengthOfEdge } from "../graph/edge-strength.js";
import { forPointReads, forReferrersOf, type HeapIndexes } from "../graph/heap-index.js";
import { describe } from "./describe.js";
import { edgeNameOf } from "./vocabulary.js";

/** One edge as the shell and CLIs print it. JSON-serialisable. */
export interface EdgeInfo {
  /** V8's edge kind: property, element, context, internal, hidden, shortcut, weak. */
  kind: string;
  /** Property or variable name, or element index. */
  name: string | number;
  strength: "strong" | "weak" | "shortcut";
  /** The object at the other end: its id, node index and short description. */
  id: number;
  index: number;
  description: string;
}

const STRENGTH = ["strong", "weak", "shortcut"] as const;

/** The edge `edge`, of strength `strength`, described from the end `other`. */
function edgeInfo(index: HeapIndexes, edge: number, strength: number, other: number): EdgeInfo {
  const graph = index.graph;
  return {
    kind: graph.edgeKinds[graph.edgeKind[edge]!] ?? "?",
    name: edgeNameOf(graph, edge),
    strength: STRENGTH[strength] ?? "strong",
    id: graph.nodeId[other]!,
    index: other,
    description: describe(index, other),
  };
}

/** The edges leaving `node`, in the order the snapshot lists them. */
export function outrefs(indexes: HeapIndexes, node: number): EdgeInfo[] {
  const index = forPointReads(indexes);
  const graph = index.graph;
  const strengthOf = strengthOfEdge(graph);
  const out: EdgeInfo[] = [];
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++)
    out.push(edgeInfo(index, e, strengthOf(e, node), graph.edgeTarget[e]!));
  return out;
}

/**
 * The edges arriving at `node`, with their source objects, nearest the roots first. On a .pmat, as
 * pmat's inrefs, without Perl's `indirect` edges (they repeat a REF's own inref).
 */
export function inrefs(indexes: HeapIndexes, node: number): EdgeInfo[] {
  const index = forReferrersOf(indexes, node);
  const { firstInref, inrefEdge, inrefSource } = index.inrefs;
  const graph = index.graph;
  const indirect = graph.info.format === "pmat" ? graph.edgeKinds.indexOf("indirect") : -1;
  const strengthOf = strengthOfEdge(graph);
  const out: EdgeInfo[] = [];
  for (let r = firstInref[node]!; r < firstInref[node + 1]!; r++) {
    const edge = inrefEdge[r]!;
    const source = inrefSource[r]!;
    if (graph.edgeKind[edge] !== indirect)
      out.push(edgeInfo(index, edge, strengthOf(edge, source), source));
  }
  const d = index.distance;
  return out.sort((a, b) => d[a.index]! - d[b.index]!);
}

// Retainers of a .pmat heap in pmat's words, eliding structure as pmat's identify does:
// `value {req3} of HASH(25) at 0x55f9901e7250`; a REF skipped to the one SV holding it,
// `(via RV) value {req3} of HASH(25) at 0x…`; a PAD to its CODE, `the lexical $x at depth 1 of
// CODE(…)`; the root's edges named as pmat names its roots (`the symbol '%main::CACHE'`).

import { strengthOfEdge } from "../graph/edge-strength.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { EdgeStrength, type HeapIndexes } from "../graph/heap-index.js";
import { pmatDescribe } from "../readers/pmat-details.js";
import type { Retainer } from "./retainers.js";

/** The root's edges for symbols and globs: how pmat names an SV it finds in the symbol table. */
export const PMAT_SYMBOL = /^the (symbol|glob) '/;

export function perlRetainer(index: HeapIndexes, source: number, edge: number): Retainer {
  const { graph } = index;
  const name = graph.strings[graph.edgeName[edge]!]!;
  if (source === graph.rootIndex) return { text: name, holder: source, edges: [edge], end: "root" };
  const kind = graph.nodeKinds[graph.nodeKind[source]!];
  if (kind === "REF" && name === "the referrant") {
    const inref = soleInref(index, source);
    const container = inref >= 0 ? index.inrefs.inrefSource[inref]! : graph.rootIndex;
    const outer = index.inrefs.inrefEdge[inref]!;
    if (container !== graph.rootIndex)
      return {
        ...perlRetainer(index, container, outer),
        text: `(via RV) ${perlRetainer(index, container, outer).text}`,
        edges: [outer, edge],
      };
  }
  if (kind === "PAD") {
    const code = padCode(graph, index, source);
    if (code)
      return {
        text: `${name} at depth ${code.depth} of ${pmatDescribe(graph, code.node)}`,
        holder: code.node,
        edges: [code.edge, edge],
      };
  }
  return { text: `${name} of ${pmatDescribe(graph, source)}`, holder: source, edges: [edge] };
}

/**
 * The inref (position in the inrefs CSR) of a REF's one strong referrer, or -1 when it has
 * several. The symbol table's root edges are not references (pmat finds symbols by name).
 */
function soleInref(index: HeapIndexes, ref: number): number {
  const { graph } = index;
  const { firstInref, inrefEdge, inrefSource } = index.inrefs;
  const strengthOf = strengthOfEdge(graph);
  let found = -1;
  for (let r = firstInref[ref]!; r < firstInref[ref + 1]!; r++) {
    const edge = inrefEdge[r]!;
    if (strengthOf(edge, inrefSource[r]!) !== EdgeStrength.strong) continue;
    if (
      inrefSource[r] === graph.rootIndex &&
      PMAT_SYMBOL.test(graph.strings[graph.edgeName[edge]!]!)
    )
      continue;
    if (found >= 0) return -1;
    found = r;
  }
  return found;
}

/** The CODE whose `pad at depth N` edge holds a PAD. */
function padCode(
  graph: HeapGraph,
  index: HeapIndexes,
  pad: number,
): { node: number; edge: number; depth: string } | null {
  const { firstInref, inrefEdge, inrefSource } = index.inrefs;
  for (let r = firstInref[pad]!; r < firstInref[pad + 1]!; r++) {
    const match = /^pad at depth (\d+)$/.exec(graph.strings[graph.edgeName[inrefEdge[r]!]!]!);
    if (match) return { node: inrefSource[r]!, edge: inrefEdge[r]!, depth: match[1]! };
  }
  return null;
}

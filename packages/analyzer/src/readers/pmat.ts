// Reads Perl heap dumps written by Devel::MAT::Dumper (.pmat, format 0.4) into a HeapGraph,
// so heapmat's queries answer on Perl programs what pmat answers.

import type { HeapGraph } from "../graph/heap-graph.js";
import { buildPmatGraph } from "./pmat-graph.js";
import { loadPmat } from "./pmat-load.js";
import type { ByteSource, ReadOptions } from "./source.js";

export {
  FIRST_SV as PMAT_FIRST_SV,
  PMAT_BASETYPES,
  PMAT_EDGE_KINDS,
  PMAT_KINDS,
  type PmatDetails,
  pmatAddress,
  pmatDescribe,
  pmatDetails,
  pmatString,
} from "./pmat-details.js";

/** The first bytes of every .pmat file. */
export const PMAT_MAGIC = "PMAT";

/**
 * Reads a .pmat dump. Nodes are SVs (kind = pmat's class, as `pmat count` counts them; name =
 * the blessed package or the type), node ids are SV addresses, edges are pmat's outrefs with
 * their strengths as edge kinds. Node 0 is a synthetic root holding the interpreter's roots and
 * the symbol table; nodes 1..3 are the immortal undef, yes and no.
 */
export async function readPmat(source: ByteSource, options: ReadOptions = {}): Promise<HeapGraph> {
  const heap = await loadPmat(source, options);
  return buildPmatGraph(heap, source.name, options.idsOnly === true);
}

// What a runtime's memory management means for comparing and judging dumps, per format.

import type { HeapGraph } from "../graph/heap-graph.js";
import { pmatDetails } from "../readers/pmat-details.js";

/**
 * Per node kind: the kind an object keeps for its whole life, to recognise it in a later dump (with
 * its id). Perl upgrades an SV in place (a SCALAR becomes a REF at the same address), so .pmat kinds
 * map to pmat's basetypes (SV, AV, HV, ...); other formats keep their kinds.
 */
export function lifelongKinds(graph: HeapGraph): readonly string[] {
  return pmatDetails(graph)?.basetypes ?? graph.nodeKinds;
}

/**
 * True when the runtime frees by reference counting alone (Perl): an object no root reaches is then
 * not garbage waiting for a collector but leaked, typically a reference cycle.
 */
export function freesByRefcount(graph: HeapGraph): boolean {
  return graph.info.format === "pmat";
}

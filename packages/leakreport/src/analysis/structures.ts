import { type HeapIndexes, UNREACHABLE } from "@heapmat/analyzer";
import { isInternal, isStringKind, kindName } from "../heap/classes.js";

/** Candidates of the last dump sorted into leaked structures. Columns over node indexes. */
export interface Structures {
  /** Tops of leaked structures: candidates not kept alive through another candidate. */
  tops: number[];
  /** Per node: the top of the structure it belongs to, or -1. */
  topOf: Int32Array;
  /** Candidates that belong to a structure other than their own. */
  members: number[];
  /** Candidates held only weakly (unreachable over strong edges). */
  weak: number;
  /** V8 internals that no user-level candidate owns. */
  internal: number;
}

/** A string only V8's string table holds: a property name or literal, not program data. */
function isRuntimeString(indexes: HeapIndexes, node: number): boolean {
  const { graph, dominator } = indexes;
  return isStringKind(kindName(graph, node)) && kindName(graph, dominator[node]!) === "synthetic";
}

/** A literal's boilerplate: V8's allocation site keeps it to copy `[]` and `{}` literals from. */
function isBoilerplate(indexes: HeapIndexes, node: number): boolean {
  const { graph, dominator } = indexes;
  return graph.strings[graph.nodeName[dominator[node]!]!] === "system / AllocationSite";
}

/**
 * A candidate dominated by another user-level candidate is kept alive only through it, so it
 * belongs to that candidate's leaked structure. The top of a structure is the outermost such
 * candidate on the dominator chain. V8 internals (a Map's table, an array's backing store, a
 * closure's context) can belong to a structure but never head one, unless `internals` is set.
 */
export function leakedStructures(
  indexes: HeapIndexes,
  generation: Int16Array,
  internals: boolean,
): Structures {
  const { graph, dominator, distance } = indexes;
  const { nodeCount, rootIndex } = graph;
  const owner = new Uint8Array(nodeCount);
  const candidates: number[] = [];
  let weak = 0;
  for (let i = 0; i < nodeCount; i++) {
    if (generation[i]! < 0) continue;
    if (distance[i] === UNREACHABLE || dominator[i] === UNREACHABLE) {
      weak++;
      continue;
    }
    candidates.push(i);
    const programObject =
      !isInternal(graph, i) && !isRuntimeString(indexes, i) && !isBoilerplate(indexes, i);
    if (programObject) owner[i] = 1;
  }

  // topOf[x]: the outermost owner among x and its dominators; -2 = not computed yet.
  const topOf = new Int32Array(nodeCount).fill(-2);
  const chain: number[] = [];
  const resolve = (x: number): number => {
    let v = x;
    while (v !== rootIndex && topOf[v] === -2) {
      chain.push(v);
      v = dominator[v]!;
    }
    let top = v === rootIndex ? -1 : topOf[v]!;
    while (chain.length > 0) {
      const node = chain.pop()!;
      if (top === -1 && owner[node] === 1) top = node;
      topOf[node] = top;
    }
    return topOf[x]!;
  };

  const tops: number[] = [];
  const members: number[] = [];
  let internal = 0;
  const loose: number[] = [];
  for (const c of candidates) {
    const top = resolve(c);
    if (top === c) tops.push(c);
    else if (top >= 0) members.push(c);
    else if (internals) loose.push(c);
    else internal++;
  }
  // Shown on request, internals head only themselves: they never swallow a program's objects.
  for (const c of loose) {
    tops.push(c);
    topOf[c] = c;
  }
  return { tops, topOf, members, weak, internal };
}

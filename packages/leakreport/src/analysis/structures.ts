import { type HeapGraph, type HeapIndexes, scriptName, UNREACHABLE } from "@heapmat/analyzer";
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
  /** Candidates only heapmat's own dumper holds (its per-dump state). */
  dumper: number;
}

/** A string only V8's string table holds: a property name or literal, not program data. */
function isRuntimeString(indexes: HeapIndexes, node: number): boolean {
  const { graph, dominator } = indexes;
  return isStringKind(kindName(graph, node)) && kindName(graph, dominator[node]!) === "synthetic";
}

/** How far up the dominator chain a literal's boilerplate is looked for (nested literals). */
const BOILERPLATE_DEPTH = 6;

/**
 * A literal's boilerplate, or a value nested in one: V8's allocation site keeps it to copy `[]`
 * and `{}` literals from, and nothing of the program can reach it.
 */
function isBoilerplate(indexes: HeapIndexes, node: number): boolean {
  const { graph, dominator } = indexes;
  let v = dominator[node]!;
  for (let step = 0; step < BOILERPLATE_DEPTH && v !== graph.rootIndex; step++) {
    const name = graph.strings[graph.nodeName[v]!]!;
    if (name === "system / AllocationSite") return true;
    // Code and scopes never sit inside a literal: this is the program's.
    if (name === "system / Context" || kindName(graph, v) === "closure") return false;
    v = dominator[v]!;
  }
  return false;
}

/** How far up the dominator chain the dumper's code is looked for. */
const DUMPER_DEPTH = 12;

/**
 * Whether a script is heapmat's dumper's: in the folder the .hmat names, or in an installed
 * `@heapmat/dumper` (for a .heapsnapshot of a process that uses it).
 */
function dumperScripts(graph: HeapGraph): (script: string) => boolean {
  const dir = graph.info.extra?.dumperDir;
  const prefix =
    typeof dir === "string" && dir !== "" ? `${pathOf(dir).replace(/\/+$/, "")}/` : null;
  return (script) => {
    const path = pathOf(script);
    return (prefix !== null && path.startsWith(prefix)) || path.includes("/@heapmat/dumper/");
  };
}

/** A script's URL or path as a path with forward slashes (`C:/app/x.mjs`, `/app/x.mjs`). */
function pathOf(script: string): string {
  let path = script;
  if (path.startsWith("file://")) {
    try {
      path = decodeURI(path.slice(7));
    } catch {}
  }
  return path.replace(/\\/g, "/").replace(/^\/([A-Za-z]:)/, "$1");
}

/** The script of a closure, or of a scope through the closures it is the context of; else null. */
function codeScript(indexes: HeapIndexes, node: number): string | null {
  const { graph, inrefs } = indexes;
  if (kindName(graph, node) === "closure") return scriptName(graph, node);
  if (graph.strings[graph.nodeName[node]!] !== "system / Context") return null;
  for (let r = inrefs.firstInref[node]!; r < inrefs.firstInref[node + 1]!; r++) {
    const closure = inrefs.inrefSource[r]!;
    if (kindName(graph, closure) !== "closure") continue;
    const script = scriptName(graph, closure);
    if (script !== null) return script;
  }
  return null;
}

/**
 * Held only through heapmat's dumper: the nearest code on the dominator chain (a closure or a
 * scope) is the dumper's, with nothing of the program in between. Its per-dump state (the dump's
 * options, its promise) is not the program's leak.
 */
function heldByDumper(
  indexes: HeapIndexes,
  node: number,
  isDumper: (script: string) => boolean,
): boolean {
  const { graph, dominator } = indexes;
  let v = node;
  for (let step = 0; step < DUMPER_DEPTH && v !== graph.rootIndex; step++) {
    const script = codeScript(indexes, v);
    if (script !== null) return isDumper(script);
    if (v !== node && !isInternal(graph, v) && kindName(graph, v) !== "closure") return false;
    v = dominator[v]!;
  }
  return false;
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
  // Per top: whether only the dumper holds it (shown with the internals, on request).
  const isDumper = dumperScripts(graph);
  const dumpers = new Map<number, boolean>();
  const byDumper: number[] = [];
  for (const c of candidates) {
    const top = resolve(c);
    if (top >= 0 && !internals) {
      let held = dumpers.get(top);
      if (held === undefined) {
        held = heldByDumper(indexes, top, isDumper);
        dumpers.set(top, held);
      }
      if (held) {
        byDumper.push(c);
        continue;
      }
    }
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
  for (const c of byDumper) topOf[c] = -1;
  return { tops, topOf, members, weak, internal, dumper: byDumper.length };
}

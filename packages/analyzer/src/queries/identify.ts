import { strengthOfEdge } from "../graph/edge-strength.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { EdgeStrength, forPointReads, forReferrersOf, UNREACHABLE } from "../graph/heap-index.js";
import { checkNode, describe } from "./describe.js";
import { PMAT_SYMBOL } from "./perl-retainers.js";
import {
  explainRetainer,
  isCloser,
  type PathEnd,
  type Retainer,
  rawRetainer,
} from "./retainers.js";
import { isSystem } from "./vocabulary.js";

export interface IdentifyOptions {
  /** Steps from the object towards the roots before stopping (default 12). */
  depth?: number;
  /** Retainers shown per object, nearest the roots first (default 4). */
  width?: number;
  /** Follow weak edges too (default false). */
  weak?: boolean;
  /** Show every retainer, not only those on shortest paths to the roots (default false). */
  all?: boolean;
  /** Show V8's and Node's internal hops one edge per step instead of folding them (default false). */
  full?: boolean;
  /** Most steps in the whole tree (default 500): keeps `all` on a densely linked heap bounded. */
  maxSteps?: number;
}

/** One step of the retainer tree: "X is <text>, which is: <retainers>". JSON-serialisable. */
export interface RetainerStep {
  /** The step in the code's own words: "a value in Map @123 (key 'abc')". */
  text: string;
  /** Object id and node index of the holder, from which the tree goes on. */
  holderId: number;
  holderIndex: number;
  /** The path ends here: a GC root, a module variable, a global, a timer. */
  end?: PathEnd;
  /** Set on a step that later steps point back to: pmat's `*A`. */
  mark?: string;
  /** The holder was already shown in this tree (pmat's "already found as *A"). */
  alreadyFound?: string;
  /** The holder is the object being identified: a cycle back to it (pmat's "itself"). */
  itself?: true;
  /** The walk stopped here: the depth limit, or the tree's size limit (`maxSteps`). */
  cut?: "depth" | "size";
  retainers: RetainerStep[];
  /** Retainers left out by the width limit. */
  more?: number;
}

/** The answer to "what holds this object?". JSON-serialisable. */
export interface Identification {
  id: number;
  index: number;
  /** `SessionRecord @86653 (488 B, retains 1.2 KiB)`. */
  description: string;
  /** No strong path from the roots reaches it (V8 only dumps such objects through weak edges). */
  unreachable: boolean;
  retainers: RetainerStep[];
  more?: number;
}

/**
 * The retainer tree of `node`: the ways it is held, back to the roots, in the code's own words.
 * Walks inrefs guided by BFS distance, bounded by depth and width: no whole-graph pass per call.
 */
export function identify(
  indexes: HeapIndexes,
  node: number,
  options: IdentifyOptions = {},
): Identification {
  const index = forPointReads(indexes);
  checkNode(index.graph, node);
  const depth = options.depth ?? 12;
  const width = options.width ?? 4;
  const maxSteps = options.maxSteps ?? 500;
  const shown = new Map<number, RetainerStep>();
  let marks = 0;
  let stepCount = 0;

  const expand = (at: number, level: number): { steps: RetainerStep[]; more: number } => {
    const candidates = retainersOf(indexes, at, options, width);
    const steps: RetainerStep[] = [];
    for (const retainer of candidates.list) {
      const step: RetainerStep = {
        text: retainer.text,
        holderId: index.graph.nodeId[retainer.holder]!,
        holderIndex: retainer.holder,
        ...(retainer.end && { end: retainer.end }),
        retainers: [],
      };
      steps.push(step);
      stepCount++;
      if (retainer.end) continue; // a root, module variable, global or timer: nothing to share
      if (retainer.holder === node) {
        step.itself = true;
        continue;
      }
      const earlier = shown.get(retainer.holder);
      if (earlier) {
        earlier.mark ??= `*${markName(marks++)}`;
        step.alreadyFound = earlier.mark;
        continue;
      }
      shown.set(retainer.holder, step);
      if (level + 1 >= depth || stepCount >= maxSteps) {
        step.cut = level + 1 >= depth ? "depth" : "size";
        continue;
      }
      const next = expand(retainer.holder, level + 1);
      step.retainers = next.steps;
      if (next.more > 0) step.more = next.more;
    }
    return { steps, more: candidates.more };
  };

  shown.set(node, { text: "", holderId: 0, holderIndex: node, retainers: [] });
  const top = expand(node, 0);
  return {
    id: index.graph.nodeId[node]!,
    index: node,
    description: describe(index, node),
    unreachable: index.distance[node] === UNREACHABLE,
    retainers: top.steps,
    ...(top.more > 0 && { more: top.more }),
  };
}

/** The retainers of one object, worded, deduplicated, nearest the roots first. */
export interface Retainers {
  /** At most `limit` of them. */
  list: Retainer[];
  /** How many raw retaining edges were left unexamined or unshown (an upper bound on what is left). */
  more: number;
}

/**
 * The retainers of `node`, nearest the roots first. Only the nearest raw edges are put into words
 * (a few times `limit`), so an object with millions of referrers (a prototype, `undefined`) costs
 * passes over its inrefs, not millions of explanations.
 */
export function retainersOf(
  indexes: HeapIndexes,
  node: number,
  options: IdentifyOptions = {},
  limit = Number.POSITIVE_INFINITY,
): Retainers {
  const index = forReferrersOf(indexes, node);
  const graph = index.graph;
  const d = index.distance;
  // Raw candidates straight off the inrefs CSR: typed arrays, no object per edge.
  const { firstInref, inrefEdge, inrefSource } = index.inrefs;
  const strengthOf = strengthOfEdge(graph);
  const from = firstInref[node]!;
  const total = firstInref[node + 1]! - from;
  const sources = new Uint32Array(total);
  const edges = new Uint32Array(total);
  let n = 0;
  for (let r = from; r < from + total; r++) {
    const edge = inrefEdge[r]!;
    const source = inrefSource[r]!;
    const s = strengthOf(edge, source);
    if (s === EdgeStrength.shortcut || (s === EdgeStrength.weak && !options.weak)) continue;
    if (!options.all && d[node] !== UNREACHABLE && d[source]! >= d[node]!) continue;
    sources[n] = source;
    edges[n++] = edge;
  }
  const out: Retainer[] = [];
  const seen = new Set<string>();
  const budget = Number.isFinite(limit) ? Math.max(64, limit * 8) : Number.POSITIVE_INFINITY;
  let examined = 0;
  // Walk distance levels upwards: each pass takes the raw edges from the next-nearest sources.
  const taken = new Uint8Array(n);
  let level = -1;
  while (examined < n && examined < budget) {
    let next = UNREACHABLE + 1;
    for (let r = 0; r < n; r++)
      if (!taken[r] && d[sources[r]!]! > level && d[sources[r]!]! < next) next = d[sources[r]!]!;
    level = next;
    for (let r = 0; r < n && examined < budget; r++) {
      if (taken[r] || d[sources[r]!] !== level) continue;
      taken[r] = 1;
      examined++;
      const retainer = options.full
        ? rawRetainer(graph, sources[r]!, edges[r]!)
        : explainRetainer(index, sources[r]!, edges[r]!);
      if (!options.all && !isCloser(index, retainer.holder, node)) continue;
      const key = `${retainer.holder} ${retainer.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(retainer);
    }
    if (level > UNREACHABLE) break;
  }
  const order = (r: Retainer) => rank(graph, r);
  out.sort((a, b) => order(a) - order(b) || d[a.holder]! - d[b.holder]!);
  // pmat's identify names an SV in the symbol table by its symbol, and shows no other holder.
  const symbols = graph.info.format === "pmat" && out.filter((r) => PMAT_SYMBOL.test(r.text));
  if (symbols && symbols.length > 0) {
    const roots = symbols;
    const list = roots.slice(0, limit);
    return { list, more: roots.length - list.length };
  }
  const list = out.slice(0, limit);
  return { list, more: out.length - list.length + (n - examined) };
}

// What a programmer wrote comes first: code-level steps, then V8's internal holders that no rule
// could name (hidden classes, code caches), then GC root categories. Distance orders each group.
function rank(graph: HeapGraph, retainer: Retainer): number {
  if (retainer.end === "root") return 2;
  if (!retainer.end && isSystem(graph, retainer.holder)) return 1;
  return 0;
}

function markName(n: number): string {
  let name = "";
  do {
    name = String.fromCharCode(65 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return name;
}

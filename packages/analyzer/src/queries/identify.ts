import type { HeapIndexes } from "../graph/heap-index.js";
import { UNREACHABLE } from "../graph/heap-index.js";
import { describe } from "./describe.js";
import {
  explainRetainer,
  inrefsOf,
  isCloser,
  type PathEnd,
  type Retainer,
  rawRetainer,
} from "./retainers.js";

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
  /** The depth limit stopped the walk here. */
  depthLimit?: true;
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
  index: HeapIndexes,
  node: number,
  options: IdentifyOptions = {},
): Identification {
  const depth = options.depth ?? 12;
  const width = options.width ?? 4;
  const shown = new Map<number, RetainerStep>();
  let marks = 0;

  const expand = (at: number, level: number): { steps: RetainerStep[]; more: number } => {
    const candidates = retainersOf(index, at, options);
    const steps: RetainerStep[] = [];
    for (const retainer of candidates.slice(0, width)) {
      const step: RetainerStep = {
        text: retainer.text,
        holderId: index.graph.nodeId[retainer.holder]!,
        holderIndex: retainer.holder,
        ...(retainer.end && { end: retainer.end }),
        retainers: [],
      };
      steps.push(step);
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
      if (retainer.end) continue;
      if (level + 1 >= depth) {
        step.depthLimit = true;
        continue;
      }
      const next = expand(retainer.holder, level + 1);
      step.retainers = next.steps;
      if (next.more > 0) step.more = next.more;
    }
    return { steps, more: Math.max(0, candidates.length - width) };
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

/** The retainers of one object, worded, deduplicated and sorted nearest-the-roots first. */
export function retainersOf(
  index: HeapIndexes,
  node: number,
  options: IdentifyOptions = {},
): Retainer[] {
  const graph = index.graph;
  const out: Retainer[] = [];
  const seen = new Set<string>();
  for (const [source, edge] of inrefsOf(index, node, options.weak ?? false)) {
    if (!options.all && !isCloser(index, source, node)) continue;
    const retainer = options.full
      ? rawRetainer(graph, source, edge)
      : explainRetainer(index, source, edge);
    if (!options.all && !isCloser(index, retainer.holder, node)) continue;
    const key = `${retainer.holder} ${retainer.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(retainer);
  }
  const d = index.distance;
  return out.sort((a, b) => d[a.holder]! - d[b.holder]! || rank(a) - rank(b));
}

// Among equally near retainers, the ones a programmer wrote come first, GC roots last.
function rank(retainer: Retainer): number {
  if (!retainer.end) return 0;
  return retainer.end === "root" ? 2 : 1;
}

function markName(n: number): string {
  let name = "";
  do {
    name = String.fromCharCode(65 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return name;
}

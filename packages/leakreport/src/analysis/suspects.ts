import {
  type DominatorChildren,
  dominatorChildren,
  type HeapIndexes,
  UNREACHABLE,
} from "@heapmat/analyzer";
import { allocationFrames } from "../heap/allocation.js";
import { className, isInternal, kindName } from "../heap/classes.js";
import { edgeLabel, heldBy, type PathStep, pathFromRoot } from "../heap/paths.js";
import type { LeakGroup } from "../report.js";

export interface SuspectOptions {
  /** Share of the heap a suspect retains, 0..1 (default 0.1). */
  threshold?: number;
  /** Instances of one class that make it a suspect on their own (default 1000). */
  minInstances?: number;
}

/** A child holding at least this share of its parent's bytes is where the memory goes on. */
const FUNNEL = 0.8;
const CONTENT_CLASSES = 5;

/**
 * One dump, as after an out-of-memory crash: Eclipse MAT's leak suspects over the dominator tree.
 * A suspect is an object a programmer made whose dominator subtree holds a large share of the heap,
 * or a class with many instances that together do. Its accumulation point is where the retained
 * memory stops funnelling into one child and spreads out: the collection that grows.
 */
export function findSuspects(indexes: HeapIndexes, options: SuspectOptions = {}): LeakGroup[] {
  const { graph, retainedSize, dominator } = indexes;
  const threshold = options.threshold ?? 0.1;
  const minInstances = options.minInstances ?? 1000;
  const total = retainedSize[graph.rootIndex]!;
  const limit = threshold * total;
  const children = dominatorChildren(indexes);

  // Descend through the roots, the global object and V8's containers to the first big object
  // a programmer made on each branch.
  const suspects: number[] = [];
  const stack = [graph.rootIndex];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (let c = children.first[node]!; c < children.first[node + 1]!; c++) {
      const child = children.children[c]!;
      if (retainedSize[child]! < limit) continue;
      if (isInternal(graph, child) || isGlobal(indexes, child)) stack.push(child);
      else suspects.push(child);
    }
  }

  const groups: LeakGroup[] = [];
  const points = new Set<number>();
  for (const suspect of suspects) {
    const point = accumulationPoint(indexes, children, suspect);
    points.add(point);
    groups.push(suspectGroup(indexes, children, suspect, point, 1, total));
  }

  // Many instances of one class, wherever they are: their usual holder is the accumulation point.
  for (const [name, instances] of classInstances(indexes)) {
    if (instances.length < minInstances) continue;
    let retained = 0;
    for (const node of instances) retained += retainedSize[node]!;
    if (retained < limit) continue;
    const holder = commonHolder(indexes, instances, name);
    if (holder < 0 || [...points].some((p) => p === holder || dominates(dominator, p, holder)))
      continue;
    const group = suspectGroup(indexes, children, holder, holder, instances.length, total);
    group.name = name;
    group.kind = kindName(graph, instances[0]!);
    group.retainedSize = retained;
    group.ids = instances.slice(0, 5).map((node) => graph.nodeId[node]!);
    groups.push(group);
  }
  return groups.sort((a, b) => b.retainedSize - a.retainedSize);
}

function suspectGroup(
  indexes: HeapIndexes,
  children: DominatorChildren,
  suspect: number,
  point: number,
  count: number,
  total: number,
): LeakGroup {
  const { graph, retainedSize } = indexes;
  const path = pathFromRoot(indexes, point);
  const suspectAt = path.findIndex((step) => step.id === graph.nodeId[suspect]);
  return {
    name: className(graph, suspect),
    kind: kindName(graph, suspect),
    count,
    perDump: [count],
    objects: count,
    retainedSize: retainedSize[suspect]!,
    steadiness: 0,
    dragsAlong: [],
    path,
    heldBy: heldBy(indexes, point),
    allocation: allocationFrames(graph, suspect),
    ids: [graph.nodeId[suspect]!],
    population: null,
    suspect: {
      share: total > 0 ? retainedSize[suspect]! / total : 0,
      accumulation: {
        name: className(graph, point),
        id: graph.nodeId[point]!,
        retainedSize: retainedSize[point]!,
        contents: contents(indexes, children, point),
      },
      between: suspectAt >= 0 ? path.slice(suspectAt) : dominatorPath(indexes, suspect, point),
    },
  };
}

/** Follow the child that holds most of the bytes while there is one. */
function accumulationPoint(
  indexes: HeapIndexes,
  children: DominatorChildren,
  from: number,
): number {
  const { retainedSize } = indexes;
  let at = from;
  for (;;) {
    let biggest = -1;
    for (let c = children.first[at]!; c < children.first[at + 1]!; c++) {
      const child = children.children[c]!;
      if (biggest < 0 || retainedSize[child]! > retainedSize[biggest]!) biggest = child;
    }
    if (biggest < 0 || retainedSize[biggest]! < FUNNEL * retainedSize[at]!) return at;
    at = biggest;
  }
}

/** What a node dominates, one level down through V8's containers, by class. */
function contents(indexes: HeapIndexes, children: DominatorChildren, node: number) {
  const { graph, retainedSize } = indexes;
  const byClass = new Map<string, { count: number; retainedSize: number }>();
  const visit = (parent: number, depth: number) => {
    for (let c = children.first[parent]!; c < children.first[parent + 1]!; c++) {
      const child = children.children[c]!;
      if (isInternal(graph, child) && depth < 3) {
        visit(child, depth + 1);
        continue;
      }
      const name = className(graph, child);
      const entry = byClass.get(name) ?? { count: 0, retainedSize: 0 };
      entry.count++;
      entry.retainedSize += retainedSize[child]!;
      byClass.set(name, entry);
    }
  };
  visit(node, 0);
  return [...byClass]
    .map(([name, entry]) => ({ name, ...entry }))
    .sort((a, b) => b.retainedSize - a.retainedSize)
    .slice(0, CONTENT_CLASSES);
}

/** Instances of each class a programmer made, that no other instance of the class holds. */
function classInstances(indexes: HeapIndexes): Map<string, number[]> {
  const { graph, dominator, distance } = indexes;
  const byClass = new Map<string, number[]>();
  for (let i = 0; i < graph.nodeCount; i++) {
    if (distance[i] === UNREACHABLE || isInternal(graph, i)) continue;
    const kind = kindName(graph, i);
    if (kind === "string" || kind === "concatenated string" || kind === "sliced string") continue;
    if (kind === "code" || kind === "native") continue;
    const name = className(graph, i);
    const list = byClass.get(name);
    if (list) list.push(i);
    else byClass.set(name, [i]);
  }
  for (const [name, list] of byClass) {
    const own = list.filter((node) => className(graph, dominator[node]!) !== name);
    byClass.set(name, own);
  }
  return byClass;
}

/** The first object a programmer made above most of the instances (by bytes). */
function commonHolder(indexes: HeapIndexes, instances: number[], name: string): number {
  const { graph, dominator, retainedSize } = indexes;
  const weight = new Map<number, number>();
  for (const node of instances) {
    let at = dominator[node]!;
    while (at !== graph.rootIndex && (isInternal(graph, at) || className(graph, at) === name))
      at = dominator[at]!;
    weight.set(at, (weight.get(at) ?? 0) + retainedSize[node]!);
  }
  let best = -1;
  for (const [node, bytes] of weight) if (best < 0 || bytes > weight.get(best)!) best = node;
  return best === graph.rootIndex ? -1 : best;
}

function dominates(dominator: Uint32Array, above: number, node: number): boolean {
  for (let at = node; ; at = dominator[at]!) {
    if (at === above) return true;
    if (dominator[at] === at || dominator[at] === UNREACHABLE) return false;
  }
}

function isGlobal(indexes: HeapIndexes, node: number): boolean {
  const { graph } = indexes;
  const name = graph.strings[graph.nodeName[node]!]!;
  return name === "global" || name.startsWith("global /") || name.startsWith("Window");
}

/** A path along the dominator chain, labelled with a direct edge where there is one. */
function dominatorPath(indexes: HeapIndexes, from: number, to: number): PathStep[] {
  const { graph, dominator } = indexes;
  const chain: number[] = [];
  for (let at = to; at !== from && at !== graph.rootIndex; at = dominator[at]!) chain.push(at);
  chain.push(from);
  chain.reverse();
  return chain.map((node, k) => {
    let edge = -1;
    if (k > 0) {
      const parent = chain[k - 1]!;
      for (let e = graph.firstEdge[parent]!; e < graph.firstEdge[parent + 1]!; e++)
        if (graph.edgeTarget[e] === node) edge = e;
    }
    return {
      edge: edge >= 0 ? edgeLabel(indexes, edge) : k === 0 ? "" : "…",
      edgeKind: edge >= 0 ? graph.edgeKinds[graph.edgeKind[edge]!]! : "",
      node: className(graph, node),
      id: graph.nodeId[node]!,
    };
  });
}

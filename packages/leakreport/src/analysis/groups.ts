import { type HeapGraph, type HeapIndexes, UNREACHABLE } from "@heapmat/analyzer";
import { indexOfKey, objectKey } from "../candidates.js";
import type { DumpDigest } from "../dumps/digest.js";
import { allocationFrames, allocationSite, type Frame } from "../heap/allocation.js";
import { className, isBookkeeping, isInternal, kindName, populationKey } from "../heap/classes.js";
import { heldBy, pathFromRoot } from "../heap/paths.js";
import type { LeakGroup } from "../report.js";
import type { Structures } from "./structures.js";

const HOLDER_HOPS = 4;
const SAMPLE_IDS = 5;
const DRAGGED_CLASSES = 5;

export interface GroupingInput {
  indexes: HeapIndexes;
  structures: Structures;
  /** Per node of the last dump: the dump it appeared in, or -1. */
  generation: Int16Array;
  /** Every dump, the last one included. */
  dumps: readonly DumpDigest[];
  /** The series' kind codes for the last dump's kinds (see KindTable). */
  kindCodes: Uint8Array;
  /** Keep groups that stopped growing. */
  keepFlat: boolean;
  /** Candidates come from one dump only (pmat-leakreport -1): growth cannot be seen to stop. */
  onefile: boolean;
}

export interface Grouping {
  groups: LeakGroup[];
  /** Tops of the groups that stopped growing. */
  flatTops: Set<number>;
}

interface Draft {
  tops: number[];
  /** Tops of string structures held in the same place (a Map's keys): part of these entries. */
  folded: number[];
  holder: string;
  site: string;
  name: string;
}

/**
 * Groups leaked structures by class, allocation site and holder (the dominator chain up to the
 * first object a programmer made), ranks them by retained bytes and steadiness, and drops those
 * that stopped growing: a bounded cache turns over but does not grow.
 */
export function groupStructures(input: GroupingInput): Grouping {
  const { indexes, structures, generation, dumps } = input;
  const { graph, retainedSize } = indexes;
  const drafts = new Map<string, Draft>();
  for (const top of structures.tops) {
    const name = className(graph, top);
    const holder = holderShape(indexes, top);
    const site = allocationSite(graph, top);
    const key = `${name}\u0000${site}\u0000${holder}`;
    let draft = drafts.get(key);
    if (!draft) {
      draft = { tops: [], folded: [], holder, site, name };
      drafts.set(key, draft);
    }
    draft.tops.push(top);
  }
  const merged = mergeStringsIntoSiblings(joinUntracked(drafts));

  const groupOfTop = new Map<number, number>();
  merged.forEach((draft, g) => {
    for (const top of draft.tops) groupOfTop.set(top, g);
    for (const top of draft.folded) groupOfTop.set(top, g);
  });
  const dragged = merged.map(() => new Map<string, { count: number; size: number }>());
  const objects = merged.map((draft) => draft.tops.length);
  for (const member of [...structures.members, ...merged.flatMap((draft) => draft.folded)]) {
    const g = groupOfTop.get(structures.topOf[member]!);
    if (g === undefined) continue;
    objects[g]!++;
    if (
      isBookkeeping(graph, member) ||
      (kindName(graph, member) === "object" && isInternal(graph, member))
    )
      continue;
    const name = className(graph, member);
    const entry = dragged[g]!.get(name) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += graph.nodeSelfSize[member]!;
    dragged[g]!.set(name, entry);
  }

  const n = dumps.length;
  const growing = keepsGrowing(input, merged);
  const groups: LeakGroup[] = [];
  const flatTops = new Set<number>();
  merged.forEach((draft, g) => {
    draft.tops.sort((a, b) => retainedSize[b]! - retainedSize[a]!);
    const representative = draft.tops[0]!;
    const perDump = new Array<number>(n).fill(0);
    let retained = 0;
    for (const top of draft.tops) {
      perDump[generation[top]!]!++;
      retained += retainedSize[top]!;
    }
    for (const top of draft.folded) retained += retainedSize[top]!;
    const kind = kindName(graph, representative);
    const population = populationOf(
      dumps,
      populationKey(kind, graph.strings[graph.nodeName[representative]!]!),
    );
    const stopped = !input.onefile && perDump[n - 2] === 0;
    if (!input.keepFlat && (stopped || !growing[g])) {
      for (const top of [...draft.tops, ...draft.folded]) flatTops.add(top);
      return;
    }
    const growingDumps = perDump.slice(1, n - 1).filter((count) => count > 0).length;
    const path = pathFromRoot(indexes, representative);
    groups.push({
      name: draft.name,
      kind,
      count: draft.tops.length,
      perDump,
      objects: objects[g]!,
      retainedSize: retained,
      steadiness: n > 2 ? growingDumps / (n - 2) : 0,
      dragsAlong: [...dragged[g]!]
        .map(([name, entry]) => ({ name, ...entry }))
        .sort((a, b) => b.size - a.size)
        .slice(0, DRAGGED_CLASSES),
      path,
      heldBy: heldBy(indexes, representative),
      allocation: firstStack(graph, draft.tops),
      ids: draft.tops.slice(0, SAMPLE_IDS).map((top) => graph.nodeId[top]!),
      population,
    });
  });
  groups.sort((a, b) => rank(b) - rank(a));
  return { groups, flatTops };
}

/**
 * Structures allocated before tracking began (or whose stack V8 lost) have no allocation site:
 * they join the group of the same class and holder that has one, as the same leak. With several
 * such groups, the largest takes them.
 */
function joinUntracked(drafts: Map<string, Draft>): Draft[] {
  const sited = new Map<string, Draft>();
  for (const draft of drafts.values()) {
    if (draft.site === "") continue;
    const key = `${draft.name}\u0000${draft.holder}`;
    const other = sited.get(key);
    if (!other || other.tops.length < draft.tops.length) sited.set(key, draft);
  }
  const out: Draft[] = [];
  for (const draft of drafts.values()) {
    const into = draft.site === "" ? sited.get(`${draft.name}\u0000${draft.holder}`) : undefined;
    if (into) into.tops.push(...draft.tops);
    else out.push(draft);
  }
  return out;
}

/** The allocation stack of the first of `tops` (largest first) that has one. */
function firstStack(graph: HeapGraph, tops: readonly number[]): Frame[] | null {
  let fallback: Frame[] | null = null;
  for (const top of tops) {
    const frames = allocationFrames(graph, top);
    if (frames && frames.length > 0) return frames;
    fallback ??= frames;
  }
  return fallback;
}

/** Bytes that leak, weighted by how steadily: a burst ranks below a steady drip of the same size. */
function rank(group: LeakGroup): number {
  return group.retainedSize * (0.5 + 0.5 * group.steadiness);
}

/** A group grows when its class gained at least this share of the objects that are new to it. */
const MIN_NET_GROWTH = 0.5;

/**
 * Per draft: does its class really grow, or does a bounded container replace old objects with new
 * ones (an LRU turning over, a fixed pool)? Growth is counted from the first dump to the last. With
 * names in the first dump, exactly; with ids, kinds and sizes only, as the class's objects new since
 * the first dump minus the objects of the first dump, of the same kind and size, that are gone since:
 * the most that can have been replaced. A leak adds without taking away.
 */
function keepsGrowing(input: GroupingInput, drafts: Draft[]): boolean[] {
  const { indexes, dumps, kindCodes } = input;
  const { graph, distance } = indexes;
  const first = dumps[0]!;
  const last = dumps.at(-1)!;
  const kindCount = graph.nodeKinds.length;
  const keyOf = (node: number) => objectKey(graph.nodeId[node]!, kindCodes[graph.nodeKind[node]!]!);
  const classOf = (node: number) => graph.nodeName[node]! * kindCount + graph.nodeKind[node]!;

  const draftsOfClass = new Map<number, number[]>();
  // Names of the drafts' classes: most nodes are ruled out by one array read, not a Map lookup.
  const draftName = new Uint8Array(graph.strings.length);
  drafts.forEach((draft, g) => {
    const slot = classOf(draft.tops[0]!);
    draftsOfClass.set(slot, [...(draftsOfClass.get(slot) ?? []), g]);
    draftName[graph.nodeName[draft.tops[0]!]!] = 1;
  });
  const now = drafts.map(() => 0);
  const fresh = drafts.map(() => 0);
  const shapes = new Map<number, Set<number>>(); // kind code + size -> drafts
  for (let i = 0; i < graph.nodeCount; i++) {
    if (draftName[graph.nodeName[i]!] !== 1) continue;
    const list = draftsOfClass.get(classOf(i));
    if (!list || distance[i] === UNREACHABLE) continue;
    const key = keyOf(i);
    const isNew = indexOfKey(first.keys, key) < 0;
    const shape = graph.nodeSelfSize[i]! * 64 + kindCodes[graph.nodeKind[i]!]!;
    for (const g of list) {
      now[g]!++;
      if (!isNew) continue;
      fresh[g]!++;
      let set = shapes.get(shape);
      if (!set) {
        set = new Set();
        shapes.set(shape, set);
      }
      set.add(g);
    }
  }

  const before = drafts.map(() => 0);
  if (first.population) {
    drafts.forEach((draft, g) => {
      const top = draft.tops[0]!;
      const key = populationKey(kindName(graph, top), graph.strings[graph.nodeName[top]!]!);
      before[g] = first.population!.get(key)?.count ?? 0;
    });
    return drafts.map((_, g) => now[g]! - before[g]! >= MIN_NET_GROWTH * fresh[g]!);
  }
  const gone = drafts.map(() => 0);
  if (first.objects) {
    const { keys, sizes } = first.objects;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const set = shapes.get(sizes[k]! * 64 + (key % 64));
      if (!set || indexOfKey(last.keys, key) >= 0) continue;
      for (const g of set) gone[g]!++;
    }
  }
  return drafts.map((_, g) => fresh[g]! - gone[g]! >= MIN_NET_GROWTH * fresh[g]!);
}

function populationOf(dumps: readonly DumpDigest[], key: string): number[] | null {
  const counts: number[] = [];
  for (const dump of dumps) {
    if (!dump.population) return null;
    counts.push(dump.population.get(key)?.count ?? 0);
  }
  return counts;
}

/**
 * How `top` is held: the classes on its dominator chain up to the first object a programmer made.
 * Structures held the same way group together.
 */
function holderShape(indexes: HeapIndexes, top: number): string {
  const { graph, dominator } = indexes;
  const names: string[] = [];
  let at = dominator[top]!;
  for (let hop = 0; hop < HOLDER_HOPS && at !== graph.rootIndex; hop++) {
    names.push(className(graph, at));
    if (!isInternal(graph, at)) break;
    at = dominator[at]!;
  }
  return names.join(" < ");
}

/**
 * Strings held in the same place as leaking objects (the keys of a Map whose values leak) are part
 * of the same leaked entries: fold them into that group rather than report them apart.
 */
function mergeStringsIntoSiblings(drafts: Draft[]): Draft[] {
  const byPlace = new Map<string, Draft>();
  for (const draft of drafts) {
    if (draft.name === "string") continue;
    const place = `${draft.site}\u0000${draft.holder}`;
    const other = byPlace.get(place);
    if (!other || other.tops.length < draft.tops.length) byPlace.set(place, draft);
  }
  const out: Draft[] = [];
  for (const draft of drafts) {
    const sibling =
      draft.name === "string" ? byPlace.get(`${draft.site}\u0000${draft.holder}`) : undefined;
    if (sibling) sibling.folded.push(...draft.tops);
    else out.push(draft);
  }
  return out;
}

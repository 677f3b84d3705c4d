import { freesByRefcount, type HeapGraph, indexHeap, pmatDescribe } from "@heapmat/analyzer";
import { parallelIndexes } from "@heapmat/analyzer/node";
import { diffByClass } from "./analysis/diff.js";
import { groupStructures } from "./analysis/groups.js";
import { type MemorySample, memoryGrowth, pickSample } from "./analysis/memory-growth.js";
import { leakedStructures } from "./analysis/structures.js";
import { findSuspects } from "./analysis/suspects.js";
import { type Candidates, indexOfKey, objectKey } from "./candidates.js";
import type { DumpDigest, KindTable } from "./dumps/digest.js";
import { readSeries } from "./dumps/read-series.js";
import { className, isInternal, kindName } from "./heap/classes.js";
import { withUnreachedHeads } from "./heap/unreachable.js";
import type { Candidate, LeakReport } from "./report.js";

export { DumpSequenceError } from "./dumps/sequence.js";

export interface FindLeaksOptions {
  /** Stop adding candidates after the first dump that adds any (pmat-leakreport -1). */
  onefile?: boolean;
  /** Accept dumps that look like they come from different processes or are out of order. */
  force?: boolean;
  /** Read what is complete of dumps cut short (a process killed mid-dump) instead of refusing them. */
  salvage?: boolean;
  /** Report the noise too: V8 internals and groups that stopped growing. */
  all?: boolean;
  /** One dump: the share of the heap that makes an object a suspect, 0..1 (default 0.1). */
  threshold?: number;
  /** One dump: the instance count that makes a class a suspect (default 1000). */
  minInstances?: number;
  /** Memory samples over the run (the dumper's stats lines), oldest first. */
  stats?: readonly MemorySample[];
  onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  /**
   * Reading the dumps, then analysing the last one (indexes, structures, paths), from when its
   * bytes are all read: a V8 series' last dump is indexed while its reader finishes.
   */
  phase: "read" | "analyse";
  file: string;
  /** Index of the file in the series. */
  index: number;
  files: number;
  /** Bytes read of this file, and its size when known. */
  done: number;
  total: number | undefined;
}

/**
 * Finds what leaks across a series of dumps of one process, in time order. Three or more dumps run
 * the growth analysis, two a diff by constructor, one a suspects analysis. Only the last dump is
 * indexed (not for a diff); the earlier ones of a growth series are read for their ids.
 */
export async function findLeaks(
  files: readonly string[],
  options: FindLeaksOptions = {},
): Promise<LeakReport> {
  if (files.length === 0) throw new TypeError("findLeaks needs at least one dump");
  const mode = files.length >= 3 ? "growth" : files.length === 2 ? "diff" : "suspects";
  const { kinds, digests, last, lastIndexes, candidates } = await readSeries(files, mode, options);

  const report: LeakReport = {
    mode,
    dumps: digests.map((d) => ({
      file: d.file,
      format: d.info.format,
      nodeCount: d.nodeCount,
      ...(d.info.pid !== undefined && { pid: d.info.pid }),
      ...(d.info.dumpTime !== undefined && { dumpTime: d.info.dumpTime }),
    })),
    groups: [],
    candidates: [],
    suppressed: { internal: 0, weak: 0, stoppedGrowing: 0, dumper: 0 },
    diff: null,
    memory: memoryGrowth(options.stats ?? dumpSamples(digests)),
    notes: [],
  };

  if (report.mode === "diff") {
    report.diff = diffByClass(digests[0]!, digests[1]!);
    if (!report.diff)
      report.notes.push("the first dump carries no names, so there is no diff by constructor");
    report.notes.push(
      "two dumps show what grew, not what leaks: a third dump would separate leaks from churn",
    );
    return report;
  }

  // Perl frees by refcount: what no root reaches (a cycle) is leaked, not garbage. V8 heaps need
  // every index (leaked structures come from the dominator tree): built on two threads.
  const indexes = freesByRefcount(last)
    ? indexHeap(withUnreachedHeads(lastIndexes ?? indexHeap(last)))
    : (lastIndexes ?? (await parallelIndexes(last)));

  if (report.mode === "suspects") {
    report.groups = findSuspects(indexes, {
      ...(options.threshold !== undefined && { threshold: options.threshold }),
      ...(options.minInstances !== undefined && { minInstances: options.minInstances }),
    });
    report.notes.push(
      "one dump: these are suspects by size; dumps taken once per iteration would show what grows",
    );
    return report;
  }

  const generation = generationPerNode(last, kinds, candidates!);
  const structures = leakedStructures(indexes, generation, options.all ?? false);
  const { groups, flatTops } = groupStructures({
    indexes,
    structures,
    generation,
    dumps: digests,
    kindCodes: kinds.codes(last),
    keepFlat: options.all ?? false,
    onefile: options.onefile ?? false,
  });
  report.groups = groups;
  report.suppressed = {
    internal: structures.internal,
    weak: structures.weak,
    stoppedGrowing: flatTops.size,
    dumper: structures.dumper,
  };
  report.candidates = listCandidates(
    last,
    structures.topOf,
    generation,
    flatTops,
    options.all ?? false,
  );
  if (last.info.format === "pmat") report.candidates = pmatCandidates(last, generation);
  return report;
}

function generationPerNode(graph: HeapGraph, kinds: KindTable, candidates: Candidates): Int16Array {
  const codes = kinds.codes(graph);
  const generation = new Int16Array(graph.nodeCount).fill(-1);
  if (candidates.keys.length === 0) return generation;
  for (let i = 0; i < graph.nodeCount; i++) {
    const at = indexOfKey(candidates.keys, objectKey(graph.nodeId[i]!, codes[graph.nodeKind[i]!]!));
    if (at >= 0) generation[i] = candidates.generation[at]!;
  }
  return generation;
}

/** pmat's view: every candidate that belongs to a reported structure, oldest first. */
function listCandidates(
  graph: HeapGraph,
  topOf: Int32Array,
  generation: Int16Array,
  flatTops: Set<number>,
  all: boolean,
): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < graph.nodeCount; i++) {
    if (generation[i]! < 0) continue;
    const top = topOf[i]!;
    if (top < 0 || flatTops.has(top)) continue;
    if (!all && isInternal(graph, i)) continue;
    out.push({
      id: graph.nodeId[i]!,
      generation: generation[i]!,
      name: className(graph, i),
      kind: kindName(graph, i),
      selfSize: graph.nodeSelfSize[i]!,
    });
  }
  return out.sort((a, b) => a.generation - b.generation || a.id - b.id);
}

/**
 * pmat-leakreport's view of a .pmat series: every candidate, none left out as noise, each named as
 * pmat names it (`HASH(2) at 0x55efee189120`).
 */
function pmatCandidates(graph: HeapGraph, generation: Int16Array): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < graph.nodeCount; i++) {
    if (generation[i]! < 0) continue;
    out.push({
      id: graph.nodeId[i]!,
      generation: generation[i]!,
      name: className(graph, i),
      kind: kindName(graph, i),
      selfSize: graph.nodeSelfSize[i]!,
      label: pmatDescribe(graph, i, true)!,
    });
  }
  return out.sort((a, b) => a.generation - b.generation || a.id - b.id);
}

function dumpSamples(digests: readonly DumpDigest[]): MemorySample[] {
  const samples: MemorySample[] = [];
  for (const d of digests) {
    const sample = pickSample(d.info.memoryUsage);
    if (sample) samples.push(sample);
  }
  return samples.length === digests.length ? samples : [];
}

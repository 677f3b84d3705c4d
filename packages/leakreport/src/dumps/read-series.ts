import type { HeapGraph, HeapIndexes } from "@heapmat/analyzer";
import { openSnapshot, readAndIndex } from "@heapmat/analyzer/node";
import { type Candidates, CandidateWalk } from "../candidates.js";
import type { FindLeaksOptions } from "../find-leaks.js";
import type { ReportMode } from "../report.js";
import { type DumpDigest, digest, KindTable } from "./digest.js";
import { DumpSequenceError, sequenceProblem } from "./sequence.js";

/** A series as read: what the analysis needs of it. */
export interface Series {
  kinds: KindTable;
  /**
   * One per dump, in order. The keys of the dumps between the first and the last are emptied once
   * compared: a long series of big dumps does not hold every dump's (160 MB each at 20M objects).
   */
  digests: DumpDigest[];
  /** The last dump's graph. */
  last: HeapGraph;
  /** Its indexes when they were begun while it was read (a V8 series), else null. */
  lastIndexes: HeapIndexes | null;
  /** The leak candidates, in growth mode; else null. */
  candidates: Candidates | null;
}

/**
 * Reads a series in time order. Each dump, as it is read, is digested, checked against the one
 * before and walked for candidates. Progress: "read" per file, then "analyse" once the last
 * dump's bytes are all in.
 */
export async function readSeries(
  files: readonly string[],
  mode: ReportMode,
  options: FindLeaksOptions,
): Promise<Series> {
  const kinds = new KindTable();
  const digests: DumpDigest[] = [];
  const lastIndex = files.length - 1;
  let analysing = false;
  const analyse = () => {
    if (analysing) return;
    analysing = true;
    options.onProgress?.({
      phase: "analyse",
      file: files[lastIndex]!,
      index: lastIndex,
      files: files.length,
      done: 0,
      total: undefined,
    });
  };
  const readOptions = (index: number, idsOnly: boolean) => ({
    idsOnly,
    salvage: options.salvage ?? false,
    onProgress: (done: number, total: number | undefined) => {
      if (analysing) return;
      options.onProgress?.({
        phase: "read",
        file: files[index]!,
        index,
        files: files.length,
        done,
        total,
      });
      // The last dump's bytes are all in: what follows is analysis (its indexes may be under way).
      if (index === lastIndex && total !== undefined && done >= total) analyse();
    },
  });
  const read = (index: number, idsOnly: boolean) =>
    openSnapshot(files[index]!, readOptions(index, idsOnly));

  const walk = mode === "growth" ? new CandidateWalk({ onefile: options.onefile ?? false }) : null;
  let before: DumpDigest | null = null;
  const accept = (dump: DumpDigest, index: number) => {
    const problem = before && !options.force ? sequenceProblem(before, dump) : null;
    if (problem) throw new DumpSequenceError(`${problem} (use --force to compare them anyway)`);
    walk?.add(dump.keys, index === lastIndex);
    digests.push(
      index === 0 || index === lastIndex ? dump : { ...dump, keys: new Float64Array(0) },
    );
    before = dump;
  };
  // Ids are enough from the earlier dumps of a series; a diff of two dumps needs the first one's
  // names too.
  const idsOnly = mode === "growth";
  for (let i = 0; i < lastIndex; i++)
    accept(digest(await read(i, idsOnly), files[i]!, kinds, i === 0), i);
  // The last dump of a V8 series: its indexes begin while it is still being read. A Perl heap
  // needs other indexes (begun V8 ones would be wasted), a diff of two dumps none, and one dump's
  // format is not known before it is read: those are read, then indexed if need be. (A last dump
  // out of order is then refused after its indexes: time lost on that error only.)
  const { graph: last, indexes: lastIndexes } =
    mode === "growth" && digests[0]!.info.format !== "pmat"
      ? await readAndIndex(files[lastIndex]!, readOptions(lastIndex, false))
      : { graph: await read(lastIndex, false), indexes: null };
  accept(digest(last, files[lastIndex]!, kinds), lastIndex);
  analyse();
  return { kinds, digests, last, lastIndexes, candidates: walk?.candidates ?? null };
}

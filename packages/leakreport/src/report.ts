import type { Frame } from "./heap/allocation.js";
import type { PathStep } from "./heap/paths.js";

export type { Frame, PathStep };

/** Which analysis ran: growth across 3+ dumps, a diff of 2, or suspects in 1. */
export type ReportMode = "growth" | "diff" | "suspects";

/** One kind of leaked structure: what leaks, how it grows, what holds it, who allocated it. */
export interface LeakGroup {
  /** Class of the structures' tops: a constructor, `fn()`, `string`, or a shape like `{resolve, job}`. */
  name: string;
  /** Node kind of the tops (`object`, `closure`, `string`...). */
  kind: string;
  /** Number of leaked structures (their tops). */
  count: number;
  /** New structures per dump, indexed like `LeakReport.dumps`. */
  perDump: number[];
  /** Candidate objects in all the structures, tops included. */
  objects: number;
  /** Bytes the structures retain in the last dump. */
  retainedSize: number;
  /** From 0 to 1: the share of the dumps in which the group grew. */
  steadiness: number;
  /** Candidates the structures hold besides their tops, by class, largest self size first. */
  dragsAlong: Array<{ name: string; count: number; size: number }>;
  /** A representative top's path from the root, root first. */
  path: PathStep[];
  /** The same, as identify-style sentences, nearest holder first. */
  heldBy: string[];
  /** The representative's allocation stack, innermost first; null without allocation tracking. */
  allocation: Frame[] | null;
  /** A few ids of tops, for the shell. */
  ids: number[];
  /** Objects of this class in each dump, when the dumps carry names. */
  population: number[] | null;
  /** Suspects analysis only: share of the heap and the accumulation point. */
  suspect?: SuspectDetail;
}

export interface SuspectDetail {
  /** Retained size over the heap's total, 0..1. */
  share: number;
  accumulation: {
    name: string;
    id: number;
    retainedSize: number;
    /** What it holds, grouped by class, largest first. */
    contents: Array<{ name: string; count: number; retainedSize: number }>;
  };
  /** Path from the suspect to its accumulation point. */
  between: PathStep[];
}

export interface DumpSummary {
  file: string;
  format: string;
  nodeCount: number;
  pid?: number;
  dumpTime?: number;
}

/** A constructor's change between two dumps. */
export interface ClassDelta {
  name: string;
  countBefore: number;
  countAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Which memory grows, from the dumps' memory figures or a stats file. */
export interface MemoryGrowth {
  verdict: "js-heap" | "external" | "js-heap-and-external" | "rss-only" | "none";
  /** Growth from the first to the last sample, in bytes. */
  heapUsed: number;
  external: number;
  rss: number;
  samples: number;
  message: string;
}

/** One leak candidate, pmat-style. */
export interface Candidate {
  id: number;
  /** Index of the dump it appeared in. */
  generation: number;
  name: string;
  kind: string;
  selfSize: number;
  /** The dump format's own name for it, where it has one: pmat's `HASH(2) at 0x55efee189120`. */
  label?: string;
}

export interface LeakReport {
  mode: ReportMode;
  dumps: DumpSummary[];
  /** Leak groups (or suspects) in rank order. */
  groups: LeakGroup[];
  /** Every candidate that survived noise suppression, by generation then id. */
  candidates: Candidate[];
  /**
   * Candidates left out as noise, by reason. `dumper`: held only through heapmat's own dumper
   * (its state during a dump), not the program's.
   */
  suppressed: { internal: number; weak: number; stoppedGrowing: number; dumper: number };
  /** Two dumps: the growth by constructor, largest first. */
  diff: ClassDelta[] | null;
  memory: MemoryGrowth | null;
  /** Sentences for the reader: how to get a better answer. */
  notes: string[];
}

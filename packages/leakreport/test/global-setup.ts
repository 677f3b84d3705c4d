import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type ProgramRun, runPrograms } from "./run-programs.js";

declare module "vitest" {
  export interface ProvidedContext {
    leakSuite: Record<string, ProgramRun>;
  }
}

export const LEAKS = [
  "map-cache",
  "listeners",
  "timers",
  "shared-closure",
  "promises",
  "registry",
  "log-strings",
  "buffers",
  "callback-table",
];
export const CONTROLS = ["lru-control", "flat-cache-control", "pool-control"];
/** Programs run again with V8's allocation tracking, for allocation stacks. */
export const TRACKED = ["map-cache", "callback-table", "listeners"];

/** Runs the whole suite of leaking programs once, for every test file. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "heapmat-leak-suite-"));
  const runs = await runPrograms(dir, [
    ...[...LEAKS, ...CONTROLS].map((program) => ({ program })),
    ...TRACKED.map((program) => ({
      program,
      name: `${program}+alloc`,
      execArgv: ["--track-heap-objects"],
    })),
    // heapmat's own dumper: .hmat files, its allocation tracking, a mixed series.
    // V8 records stacks reliably only for tracking that starts with the process: tracking the
    // inspector starts later misses some objects of already-optimised code (see the dumper README).
    {
      program: "map-cache",
      name: "map-cache+hmat",
      format: "hmat",
      track: true,
      execArgv: ["--track-heap-objects"],
    } as const,
    { program: "lru-control", name: "lru-control+hmat", format: "hmat" } as const,
    { program: "registry", name: "registry+mixed", format: "mixed" } as const,
  ]);
  project.provide("leakSuite", runs);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

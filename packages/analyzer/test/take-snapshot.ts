import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TakeSnapshotOptions {
  /** File name without extension (default "heap"). */
  name?: string;
  /** Extra flags for the child Node, e.g. ["--track-heap-objects"] for an allocation trace tree. */
  nodeArgs?: string[];
}

/**
 * Runs `program` (an ES module body) in a real child Node process, then has it write a V8 heap
 * snapshot. Returns the snapshot's path in a fresh temp folder.
 */
export function takeSnapshot(program: string, options: string | TakeSnapshotOptions = {}): string {
  const { name = "heap", nodeArgs = [] } =
    typeof options === "string" ? { name: options } : options;
  const dir = mkdtempSync(join(tmpdir(), "heapmat-test-"));
  const file = join(dir, `${name}.heapsnapshot`);
  const source = `${program}\nawait import("node:v8").then((v8) => v8.writeHeapSnapshot(${JSON.stringify(file)}));`;
  execFileSync(process.execPath, [...nodeArgs, "--input-type=module", "-e", source], {
    stdio: "inherit",
  });
  return file;
}

/**
 * A heap with 20,000 objects of one class, some linked, held by a Map, one a WeakMap key, and a
 * cycle: enough for the threaded readers and indexes to take their paths, small enough to be quick.
 */
export const LEAVES_PROGRAM = `
  class Leaf { constructor(i) { this.text = "leaf-" + i; this.next = null; } }
  const leaves = [];
  for (let i = 0; i < 20000; i++) leaves.push(new Leaf(i));
  for (let i = 1; i < leaves.length; i += 7) leaves[i - 1].next = leaves[i];
  globalThis.byName = new Map(leaves.map((leaf, i) => [String(i), leaf]));
  globalThis.weak = new WeakMap([[leaves[3], { value: "held by the key" }]]);
  globalThis.cycle = { leaves };
  globalThis.cycle.self = globalThis.cycle;
`;

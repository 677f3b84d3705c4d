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

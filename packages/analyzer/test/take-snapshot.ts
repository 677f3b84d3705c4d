import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs `program` (an ES module body) in a real child Node process, then has it write a V8 heap
 * snapshot. Returns the snapshot's path in a fresh temp folder.
 */
export function takeSnapshot(program: string, name = "heap"): string {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-test-"));
  const file = join(dir, `${name}.heapsnapshot`);
  const source = `${program}\nawait import("node:v8").then((v8) => v8.writeHeapSnapshot(${JSON.stringify(file)}));`;
  execFileSync(process.execPath, ["--input-type=module", "-e", source], { stdio: "inherit" });
  return file;
}

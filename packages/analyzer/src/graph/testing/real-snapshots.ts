import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes `files` (name -> source) to a temp folder, runs `main.mjs` in a real child Node process
 * with allocation tracking on, and has it write a V8 heap snapshot through the inspector once it
 * has run. Returns the folder and the snapshot's path.
 */
export function takeTrackedSnapshot(files: Record<string, string>): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-indexes-"));
  const file = join(dir, "tracked.heapsnapshot");
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  writeFileSync(
    join(dir, "snapshot.mjs"),
    `import inspector from "node:inspector";
import fs from "node:fs";
const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((done, fail) => session.post(method, params, (e, r) => (e ? fail(e) : done(r))));
await post("HeapProfiler.enable");
await post("HeapProfiler.startTrackingHeapObjects", { trackAllocations: true });
await import("./main.mjs");
const out = fs.openSync(${JSON.stringify(file)}, "w");
session.on("HeapProfiler.addHeapSnapshotChunk", (m) => fs.writeSync(out, m.params.chunk));
await post("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
fs.closeSync(out);
session.disconnect();
`,
  );
  execFileSync(process.execPath, [join(dir, "snapshot.mjs")], { stdio: "inherit" });
  return { dir, file };
}

// Worker thread of dump(): receives V8's snapshot chunks from the host and writes the .hmat file.
import { parentPort, workerData } from "node:worker_threads";
import { SnapshotConverter } from "./convert.js";
import type { HmatWriterOptions } from "./hmat-writer.js";

const { path, options } = workerData as { path: string; options: HmatWriterOptions };
const port = parentPort!;
let converter: SnapshotConverter | null = null;
let failed = false;

function fail(error: unknown): void {
  failed = true;
  converter?.abort();
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}

try {
  converter = new SnapshotConverter(path, options);
  port.postMessage({ ready: true });
} catch (error) {
  fail(error);
}

port.on("message", (chunk: string | null) => {
  if (failed || !converter) return;
  try {
    if (chunk !== null) converter.write(chunk);
    else {
      const totals = converter.finish();
      port.postMessage({
        done: true,
        bytes: totals.bytes,
        nodes: totals.nodes,
        edges: totals.edges,
      });
      port.close();
    }
  } catch (error) {
    fail(error);
    port.close();
  }
});

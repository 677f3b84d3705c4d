// Worker thread of dump(): receives V8's snapshot chunks from the host and writes the .hmat file.
import { createReadStream, unlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { SnapshotConverter } from "./convert.js";
import type { HmatWriterOptions } from "./hmat-writer.js";

const { path, options, json } = workerData as {
  path: string;
  options: HmatWriterOptions;
  /** V8's JSON in a temporary file, when the host wrote it there instead of streaming it. */
  json?: string;
};
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
  if (json) convertFile(json);
} catch (error) {
  fail(error);
}

async function convertFile(file: string): Promise<void> {
  try {
    for await (const chunk of createReadStream(file, {
      encoding: "utf8",
      highWaterMark: 1 << 20,
    })) {
      if (failed) break;
      converter!.write(chunk as string);
    }
    if (!failed) finish();
  } catch (error) {
    fail(error);
    port.close();
  } finally {
    try {
      unlinkSync(file);
    } catch {}
  }
}

function finish(): void {
  const totals = converter!.finish();
  port.postMessage({ done: true, bytes: totals.bytes, nodes: totals.nodes, edges: totals.edges });
  port.close();
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

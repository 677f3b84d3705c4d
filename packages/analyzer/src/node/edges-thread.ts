// The second thread of a big .heapsnapshot's read (open.ts): parses the `edges` array, about 60% of
// the file, straight into the graph's shared edge columns while the main thread parses the rest.
import { open } from "node:fs/promises";
import { parentPort, workerData } from "node:worker_threads";
import type { EdgesJob, EdgesOutcome } from "../readers/heapsnapshot.js";
import { V8EdgesBuilder } from "../readers/heapsnapshot-edges.js";
import { IntArrayScanner } from "../readers/json-numbers.js";
import { SnapshotReadError } from "../readers/source.js";

export interface EdgesThreadInput {
  file: string;
}

const CHUNK = 1 << 20;

/**
 * The edges array from `job.from` on, read and parsed as the one-thread reader would. The next
 * chunk is read while this one is parsed: this thread has the longer part of the file.
 */
async function parseEdges(file: string, job: EdgesJob): Promise<EdgesOutcome> {
  let base = job.from;
  const fail = (at: number, expected: string): never => {
    throw new SnapshotReadError(file, base + at, expected);
  };
  const edges = new V8EdgesBuilder(job.meta, job.headerEdgeCount, fail, 0, job.columns);
  const scanner = new IntArrayScanner('"edges"', fail);
  const buffers = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
  const handle = await open(file, "r");
  let next = handle.read(buffers[0]!, 0, CHUNK, base);
  try {
    for (let k = 1; ; k++) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0)
        return { error: { offset: base, expected: edges.where(), truncated: true } };
      next = handle.read(buffers[k & 1]!, 0, CHUNK, base + bytesRead);
      edges.feed(buffer, 0, bytesRead, scanner);
      // Where its ']' is: the reader, which jumped there, checks it is where it was expected.
      if (scanner.done) return { read: { ...edges.read }, end: base + scanner.pos - 1 };
      base += bytesRead;
    }
  } catch (error) {
    if (!(error instanceof SnapshotReadError)) throw error;
    const { offset, expected, truncated } = error;
    return { error: { offset, expected, truncated } };
  } finally {
    await next.catch(() => {});
    await handle.close();
  }
}

// Started early, the thread waits for its work: the columns to fill, once the header is read.
const { file } = workerData as EdgesThreadInput;
parentPort!.once("message", async (job: EdgesJob) => {
  parentPort!.postMessage(await parseEdges(file, job));
});

// The second thread of a big .hmat file's read (open.ts): decodes its edge blocks backward from the
// last one, straight into the graph's shared edge columns, while the reader decodes them forward
// from the first (readers/hmat-edges.ts).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import {
  decodeEdgesBackward,
  type HmatEdgesJob,
  type HmatEdgesOutcome,
} from "../readers/hmat-edges.js";
import { inflate } from "./inflate.js";

export interface HmatEdgesThreadInput {
  file: string;
}

function decodeEdges(file: string, job: HmatEdgesJob): HmatEdgesOutcome {
  const fd = openSync(file, "r");
  try {
    const { size } = fstatSync(fd);
    const readAt = (offset: number, length: number): Uint8Array => {
      const bytes = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < bytes.length) {
        const read = readSync(fd, bytes, done, bytes.length - done, offset + done);
        if (read === 0) break;
        done += read;
      }
      return bytes.subarray(0, done);
    };
    return decodeEdgesBackward(file, job, { size, readAt }, inflate);
  } finally {
    closeSync(fd);
  }
}

// Started early, the thread waits for its work: the columns to fill, once the nodes are read.
const { file } = workerData as HmatEdgesThreadInput;
parentPort!.once("message", (job: HmatEdgesJob) => {
  parentPort!.postMessage(decodeEdges(file, job));
});

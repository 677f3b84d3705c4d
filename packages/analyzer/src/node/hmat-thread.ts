// The second thread of a big .hmat file's read (open.ts): decodes its node blocks, then its edge
// blocks, backward from the last one, straight into the graph's shared columns, while the reader
// decodes them forward from the first (readers/hmat-meet.ts).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { decodeBackward, type HmatJob, type HmatOutcome } from "../readers/hmat-meet.js";
import { inflate } from "./inflate.js";

export interface HmatThreadInput {
  file: string;
}

function decode(file: string, job: HmatJob): HmatOutcome {
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
    return decodeBackward(file, job, { size, readAt }, inflate);
  } finally {
    closeSync(fd);
  }
}

// Started early, the thread waits for its work: a table's columns to fill, once the reader has
// them; one outcome per job, in order.
const { file } = workerData as HmatThreadInput;
parentPort!.on("message", (job: HmatJob) => {
  parentPort!.postMessage(decode(file, job));
});

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

// The analyzer's worker threads run files of the built package: a thread's entry is a build entry
// of its own (tsdown.config.ts), found beside the module that starts it.

/** Whether a thread's built file is there; in the sources (tests of the sources) it is not. */
export function isBuilt(thread: URL): boolean {
  return existsSync(fileURLToPath(thread));
}

/** Starts a thread whose first message is its result; an error or exit before it rejects. */
export function startThread<T>(
  thread: URL,
  workerData: unknown,
  name: string,
): { worker: Worker; result: Promise<T> } {
  const worker = new Worker(thread, { workerData });
  const result = new Promise<T>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the ${name} thread exited (${code})`)));
  });
  return { worker, result };
}

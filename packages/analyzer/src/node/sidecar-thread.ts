// The second thread of a sidecar's loading (sidecar-file.ts): reads the chunks it is asked for into
// the shared buffer, upward, from the same file descriptor, while the main thread reads others;
// between requests, every chunk not read yet, in file order, so that later columns are there
// when asked for.
import { workerData } from "node:worker_threads";
import { readChunk } from "./sidecar-chunks.js";
import type { SidecarThreadInput } from "./sidecar-file.js";

const { fd, all, loaded, requests } = workerData as SidecarThreadInput;

/** Reads chunks from..to-1 not read yet, until a new request comes; false if the file ends. */
function read(from: number, to: number, request: number): boolean {
  for (let c = from; c < to && Atomics.load(requests, 0) === request; c++) {
    if (Atomics.load(loaded, c)) continue;
    try {
      readChunk(fd, all, c, "");
    } catch {
      return false; // a file cut short: the main thread reads what is left and says where it ends
    }
    // After the bytes: whoever sees the flag sees them.
    Atomics.store(loaded, c, 1);
  }
  return true;
}

let background = true;
for (let served = 0; ; ) {
  if (background) {
    // Stopped by a request, it goes on after serving it; at the end of the file, it is done.
    const readable = read(0, loaded.length, served);
    background = readable && !loaded.every(Boolean);
  }
  Atomics.wait(requests, 0, served);
  served = Atomics.load(requests, 0);
  read(requests[1]!, requests[2]!, served);
}

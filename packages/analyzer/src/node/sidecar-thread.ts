// The second thread of a sidecar's loading (sidecar-file.ts): reads the pages it is asked for into
// the shared buffer, upward, from the same file descriptor, while the main thread reads others.
// It reads nothing unasked: what a process never reads costs it no memory (point queries load
// single pages, see point-column.ts), and no time when it exits.
import { workerData } from "node:worker_threads";
import type { SidecarThreadInput } from "./sidecar-file.js";
import { loadPages } from "./sidecar-pages.js";

const { fd, all, loaded, requests } = workerData as SidecarThreadInput;

for (let served = 0; ; ) {
  Atomics.wait(requests, 0, served);
  served = Atomics.load(requests, 0);
  const from = Atomics.load(requests, 1);
  const to = Atomics.load(requests, 2);
  // A newer request came while reading the range: take that one. (One still being written would
  // at worst make this thread read the right bytes of a few pages nobody asked for yet.)
  if (Atomics.load(requests, 0) !== served) continue;
  try {
    // Until a newer request comes: the main thread reads whatever this one leaves.
    loadPages(fd, all, loaded, from, to, "", () => Atomics.load(requests, 0) === served);
  } catch {
    // A file cut short: the main thread reads what is left and says where it ends.
  }
}

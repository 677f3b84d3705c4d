// The leak program: builds the synthetic heap, then leaks a little more on each of 6 iterations
// and dumps after each, with @heapmat/dumper when it exists, else V8's writer.

import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { buildHeap, LEAK_DUMPS, leakSome } from "../heap/build-heap.js";
import { childOptions, guarded, required } from "../run/child-io.js";
import { loadDumper } from "../run/heapmat.js";

const options = childOptions(["units", "leak", "dir", "format"]);
const heap = buildHeap(Number(required(options, "units")));
const leak = Number(required(options, "leak"));
const dir = required(options, "dir");
const format = required(options, "format");
await guarded(options, async () => {
  const dumper = format === "hmat" ? await loadDumper() : undefined;
  if (typeof dumper === "string") return { unavailable: dumper };
  const files: string[] = [];
  for (let iteration = 1; iteration <= LEAK_DUMPS; iteration++) {
    leakSome(heap, iteration, leak);
    globalThis.gc?.();
    const file = join(dir, `leak-${iteration}.${format}`);
    if (dumper) await dumper(file);
    else writeHeapSnapshot(file);
    files.push(file);
  }
  return { files, leaked: heap.leaked.length };
});

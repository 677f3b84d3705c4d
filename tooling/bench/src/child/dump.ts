// Builds the synthetic heap, then dumps it once with V8's writer or with @heapmat/dumper, the way a
// host would: triggered from a timer while a 1 ms interval timer watches the event loop.
import { statSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { buildHeap } from "../heap/build-heap.js";
import { childOptions, guarded, required } from "../run/child-io.js";
import { loadDumper } from "../run/heapmat.js";
import { peakRss, resetPeakRss } from "../run/memory.js";

const options = childOptions(["tool", "units", "out"]);
const tool = required(options, "tool");
const out = required(options, "out");
const heap = buildHeap(Number(required(options, "units")));

await guarded(options, async () => {
  const dumpWith = tool === "v8" ? v8Dump : await loadDumper();
  if (typeof dumpWith === "string") return { unavailable: dumpWith };
  const measured = await measureDump(() => dumpWith(out));
  // The dumper reports the path it wrote; V8's writer writes where it is told.
  const written = (measured.reported as { path?: string } | undefined)?.path ?? out;
  return { ...measured, bytes: statSync(written).size, customers: heap.customers.size };
});

async function v8Dump(file: string): Promise<unknown> {
  writeHeapSnapshot(file);
  return undefined;
}

async function measureDump(dump: () => Promise<unknown>) {
  globalThis.gc?.();
  await sleep(100);
  let last = performance.now();
  let pauseMs = 0;
  const watch = setInterval(() => {
    const now = performance.now();
    pauseMs = Math.max(pauseMs, now - last);
    last = now;
  }, 1);
  await sleep(50);
  pauseMs = 0;
  const { reported, totalMs, peakRssReset } = await new Promise<{
    reported: unknown;
    totalMs: number;
    peakRssReset: boolean;
  }>((resolve, reject) => {
    setTimeout(() => {
      const peakRssReset = resetPeakRss();
      const start = performance.now();
      dump().then(
        (reported) => resolve({ reported, totalMs: performance.now() - start, peakRssReset }),
        reject,
      );
    }, 5);
  });
  const peak = peakRss();
  // Let the interval run once more so a pause that ends with the dump is seen.
  await sleep(20);
  clearInterval(watch);
  return { pauseMs, totalMs, peakRss: peak, peakRssReset, reported };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

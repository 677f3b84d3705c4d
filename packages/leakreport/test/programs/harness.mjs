// Runs a program's iteration a few times to warm up, then once per dump: the way a leak is hunted
// in production (Devel::MAT's "dump once per iteration of the suspect loop").
// Environment: LEAK_SUITE_OUT (folder for heap-N.* and stats.ndjson), LEAK_SUITE_DUMPS,
// LEAK_SUITE_FORMAT: heapsnapshot (v8.writeHeapSnapshot, the default), hmat (heapmat's dumper), or
// mixed (both, alternately); LEAK_SUITE_TRACK=1: the dumper's allocation tracking, from the start.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";

const out = process.env.LEAK_SUITE_OUT;
const dumps = Number(process.env.LEAK_SUITE_DUMPS ?? 5);
const warmup = Number(process.env.LEAK_SUITE_WARMUP ?? 3);
const format = process.env.LEAK_SUITE_FORMAT ?? "heapsnapshot";
const dumper = format === "heapsnapshot" ? null : await import("@heapmat/dumper");
if (process.env.LEAK_SUITE_TRACK === "1") dumper.trackAllocations();

async function dumpHeap(n) {
  const hmat = format === "hmat" || (format === "mixed" && n % 2 === 1);
  if (hmat) await dumper.dump(join(out, `heap-${n}.hmat`));
  else writeHeapSnapshot(join(out, `heap-${n}.heapsnapshot`));
}

/** Calls `iteration(i)` warmup + dumps times; after each post-warm-up one, dumps the heap. */
export async function run(iteration) {
  if (!out) throw new Error("LEAK_SUITE_OUT is not set");
  for (let i = 0; i < warmup + dumps; i++) {
    await iteration(i);
    // Let timers, promise jobs and I/O callbacks run, as between two requests of a server.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (i < warmup) continue;
    const n = i - warmup + 1;
    await dumpHeap(n);
    appendFileSync(
      join(out, "stats.ndjson"),
      `${JSON.stringify({ dump: n, ...process.memoryUsage() })}\n`,
    );
  }
  // Leaked timers and listeners would keep the process alive.
  process.exit(0);
}

/** Garbage every request makes and drops: the churn a leak hides in. */
export function churn(n) {
  const scratch = [];
  for (let i = 0; i < n; i++)
    scratch.push({ i, text: `tmp-${i}-${Math.random()}`, list: [i, i + 1] });
  return JSON.stringify(scratch).length;
}

// Runs a program's iteration a few times to warm up, then once per dump: the way a leak is hunted
// in production (Devel::MAT's "dump once per iteration of the suspect loop").
// Environment: LEAK_SUITE_OUT (folder for heap-N.heapsnapshot and stats.ndjson), LEAK_SUITE_DUMPS.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";

const out = process.env.LEAK_SUITE_OUT;
const dumps = Number(process.env.LEAK_SUITE_DUMPS ?? 5);
const warmup = Number(process.env.LEAK_SUITE_WARMUP ?? 3);

/** Calls `iteration(i)` warmup + dumps times; after each post-warm-up one, dumps the heap. */
export async function run(iteration) {
  if (!out) throw new Error("LEAK_SUITE_OUT is not set");
  for (let i = 0; i < warmup + dumps; i++) {
    await iteration(i);
    // Let timers, promise jobs and I/O callbacks run, as between two requests of a server.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (i < warmup) continue;
    const n = i - warmup + 1;
    writeHeapSnapshot(join(out, `heap-${n}.heapsnapshot`));
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

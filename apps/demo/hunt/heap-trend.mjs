// The cheap classification, before any dump is read: the dumper's stats lines (process.memoryUsage
// every few hundred ms), judged by leakreport's memoryGrowth rule.
import { readFileSync } from "node:fs";
import { memoryGrowth, parseStats } from "@heapmat/leakreport";

/** Below this change the program was idle between two samples (waiting for its next poll). */
const IDLE_BYTES = 16 * 1024;

/** The samples in which the program ran, and the verdict on them. */
export function heapTrend(statsPath) {
  const all = parseStats(readFileSync(statsPath, "utf8"));
  const samples = all.filter(
    (sample, i) => i === 0 || Math.abs(sample.heapUsed - all[i - 1].heapUsed) >= IDLE_BYTES,
  );
  return { samples, idle: all.length - samples.length, growth: memoryGrowth(samples) };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

/** One line per sample, as Devel::Gladiator's per-iteration counts: the figure and its change. */
export function trendLines(samples) {
  let previous = 0;
  return samples.map((sample) => {
    const delta = sample.heapUsed - previous;
    previous = sample.heapUsed;
    const sign = delta >= 0 ? "+" : "-";
    return `heap used ${kib(sample.heapUsed).padStart(9)} (${sign}${kib(Math.abs(delta))})`;
  });
}

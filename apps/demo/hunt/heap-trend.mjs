// The cheap classification, before any dump is read: the dumper's stats lines (process.memoryUsage
// and V8's heap spaces every few hundred ms), judged by leakreport's memoryGrowth rule.
import { readFileSync } from "node:fs";
import { memoryGrowth } from "@heapmat/leakreport";

/** Below this change the program was idle between two samples (waiting for its next poll). */
const IDLE_BYTES = 4 * 1024;

/**
 * The JS heap figure to follow: heapUsed without the young generation. The young generation holds
 * mostly garbage waiting for the next scavenge and swings by megabytes between two samples; what
 * survives collections lands in the old generation, so a leak climbs there steadily.
 */
function survivingHeap(line) {
  return line.heapUsed - (line.spaces?.new_space ?? 0);
}

/**
 * The samples taken after start-up (`since`, ms since the epoch) in which the program ran, and the
 * verdict on them. Start-up grows the heap of any program, leaking or not.
 */
export function heapTrend(statsPath, since) {
  const lines = readFileSync(statsPath, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
  const afterStartUp = lines
    .filter((line) => line.time >= since)
    .map((line) => ({ rss: line.rss, external: line.external, heapUsed: survivingHeap(line) }));
  const samples = afterStartUp.filter(
    (sample, i) =>
      i === 0 || Math.abs(sample.heapUsed - afterStartUp[i - 1].heapUsed) >= IDLE_BYTES,
  );
  return {
    samples,
    startUp: lines.length - afterStartUp.length,
    idle: afterStartUp.length - samples.length,
    growth: memoryGrowth(samples),
  };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

/** One line per sample, as Devel::Gladiator's per-iteration counts: the figure and its change. */
export function trendLines(samples) {
  return samples.map((sample, i) => {
    const delta = i === 0 ? 0 : sample.heapUsed - samples[i - 1].heapUsed;
    const change = i === 0 ? "" : ` (${delta >= 0 ? "+" : "-"}${kib(Math.abs(delta))})`;
    return `JS heap, old generation ${kib(sample.heapUsed).padStart(9)}${change}`;
  });
}

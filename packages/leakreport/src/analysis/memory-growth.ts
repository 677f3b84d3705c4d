import type { MemoryGrowth } from "../report.js";

/** A memory sample: `process.memoryUsage()`, or a line of the dumper's stats. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers?: number;
}

/**
 * Growth smaller than this share of the first value, or than these bytes, is noise. RSS moves by
 * megabytes on its own (a heap dump alone adds some), so it needs more to count.
 */
const MIN_SHARE = 0.05;
const MIN_BYTES = 256 * 1024;
const MIN_RSS_SHARE = 0.15;
const MIN_RSS_BYTES = 8 * 1024 * 1024;
/** Share of the intervals in which a figure must rise to count as growing. */
const MIN_RISING = 0.6;

/**
 * Says which memory grows: the JS heap, external memory (Buffers, ArrayBuffers) or only RSS, in
 * which case the leak is outside the JS heap. Compares the first and last thirds' medians so that
 * one spike (a GC, a dump) does not decide.
 */
export function memoryGrowth(samples: readonly MemorySample[]): MemoryGrowth | null {
  if (samples.length < 2) return null;
  const delta = (pick: (s: MemorySample) => number, minBytes: number, minShare: number) => {
    const values = samples.map(pick);
    const third = Math.max(1, Math.floor(values.length / 3));
    const start = median(values.slice(0, third));
    const end = median(values.slice(-third));
    let rising = 0;
    for (let i = 1; i < values.length; i++) if (values[i]! > values[i - 1]!) rising++;
    const growth = end - start;
    const significant =
      growth > Math.max(minBytes, start * minShare) && rising >= MIN_RISING * (values.length - 1);
    return { growth, significant };
  };
  const heap = delta((s) => s.heapUsed, MIN_BYTES, MIN_SHARE);
  const external = delta((s) => s.external, MIN_BYTES, MIN_SHARE);
  const rss = delta((s) => s.rss, MIN_RSS_BYTES, MIN_RSS_SHARE);
  const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
  let verdict: MemoryGrowth["verdict"];
  let message: string;
  if (heap.significant && external.significant) {
    verdict = "js-heap-and-external";
    message = `the JS heap grows (+${mib(heap.growth)}) and so does external memory (+${mib(external.growth)})`;
  } else if (heap.significant) {
    verdict = "js-heap";
    message = `the JS heap grows (+${mib(heap.growth)}): the leak is in JS objects`;
  } else if (external.significant) {
    verdict = "external";
    message = `external memory grows (+${mib(external.growth)}), the JS heap does not: look at Buffers and ArrayBuffers`;
  } else if (rss.significant) {
    verdict = "rss-only";
    message = `only RSS grows (+${mib(rss.growth)}): the leak is outside the JS heap (native code, an addon, or the allocator)`;
  } else {
    verdict = "none";
    message = "memory does not grow over these samples";
  }
  return {
    verdict,
    heapUsed: heap.growth,
    external: external.growth,
    rss: rss.growth,
    samples: samples.length,
    message,
  };
}

/** Samples from NDJSON text (the dumper's stats lines); lines without the figures are skipped. */
export function parseStats(text: string): MemorySample[] {
  const samples: MemorySample[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const sample = pickSample(value);
    if (sample) samples.push(sample);
  }
  return samples;
}

/** Accepts a sample at the top level or under `stats` / `memoryUsage`. */
export function pickSample(value: unknown): MemorySample | null {
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  for (const candidate of [record, record.stats, record.memoryUsage]) {
    if (typeof candidate !== "object" || candidate === null) continue;
    const { rss, heapUsed, external } = candidate as Record<string, unknown>;
    if (typeof rss === "number" && typeof heapUsed === "number" && typeof external === "number")
      return { rss, heapUsed, external };
  }
  return null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

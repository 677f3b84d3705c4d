import { appendFileSync } from "node:fs";
import * as v8 from "node:v8";

/** One cheap memory sample: enough to tell JS-heap growth from external or native growth. */
export interface MemorySample {
  time: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  spaces: Record<string, number>;
  /** Live instances per named constructor, where Node has v8.queryObjects (20.13+, 22+). */
  counts?: Record<string, number>;
}

export interface StatsOptions {
  /** Constructors to count, as functions or names of globals (`"Map"`). */
  constructors?: Array<string | (abstract new (...args: never[]) => unknown)>;
}

type QueryObjects = (ctor: unknown, options: { format: "count" }) => number;

export function stats(options: StatsOptions = {}): MemorySample {
  const usage = process.memoryUsage();
  const spaces: Record<string, number> = {};
  for (const space of v8.getHeapSpaceStatistics()) spaces[space.space_name] = space.space_used_size;
  const sample: MemorySample = {
    time: Date.now(),
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    spaces,
  };
  const query = (v8 as unknown as { queryObjects?: QueryObjects }).queryObjects;
  if (query && options.constructors?.length) {
    const counts: Record<string, number> = {};
    for (const c of options.constructors) {
      const ctor = typeof c === "string" ? (globalThis as Record<string, unknown>)[c] : c;
      if (typeof ctor !== "function") continue;
      const name = typeof c === "string" ? c : c.name;
      try {
        counts[name] = query(ctor, { format: "count" });
      } catch {}
    }
    sample.counts = counts;
  }
  return sample;
}

export interface WatchOptions extends StatsOptions {
  /** Milliseconds between samples (default 10 000). */
  interval?: number;
  /** NDJSON file the samples are appended to. */
  path: string;
}

/** Appends a stats() line to `path` now and every `interval` ms. The timer doesn't keep the process alive. */
export function watch(options: WatchOptions): { stop(): void } {
  const write = () => {
    try {
      appendFileSync(options.path, `${JSON.stringify(stats(options))}\n`, { mode: 0o600 });
    } catch (error) {
      process.stderr.write(
        `heapmat-dumper: stats to ${options.path} failed: ${(error as Error).message}\n`,
      );
      timer.unref();
      clearInterval(timer);
    }
  };
  const timer = setInterval(write, options.interval ?? 10_000);
  timer.unref();
  write();
  return { stop: () => clearInterval(timer) };
}

// The memory guard: taking a snapshot can need many times the heap's used size (V8 builds its
// own copy of the graph, then serialises it). Refuse when it clearly won't fit.
import { readFileSync } from "node:fs";
import { freemem } from "node:os";

/** Snapshot peak RSS measured at 7-15x heapUsed; the guard uses the low end. */
export const SNAPSHOT_MEMORY_FACTOR = 7;

function readNumber(path: string): number | undefined {
  try {
    const text = readFileSync(path, "utf8").trim();
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes this process can still allocate: the cgroup's headroom or the machine's, the smaller. */
export function availableMemory(): number {
  let available = freemem();
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
    if (match) available = Number(match[1]) * 1024;
  } catch {}
  // cgroup v2, then v1. "max" or absurdly large limits mean no limit.
  const limit =
    readNumber("/sys/fs/cgroup/memory.max") ??
    readNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const usage =
    readNumber("/sys/fs/cgroup/memory.current") ??
    readNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  if (limit !== undefined && usage !== undefined && limit < 2 ** 60)
    available = Math.min(available, Math.max(0, limit - usage));
  return available;
}

export interface MemoryCheck {
  ok: boolean;
  needed: number;
  available: number;
  message: string;
}

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;

export function checkMemory(
  heapUsed = process.memoryUsage().heapUsed,
  available = availableMemory(),
): MemoryCheck {
  const needed = heapUsed * SNAPSHOT_MEMORY_FACTOR;
  const ok = needed <= available;
  const message = ok
    ? ""
    : `a snapshot of this heap (${mb(heapUsed)} used) may need about ${mb(needed)}, ` +
      `but only ${mb(available)} is available; not dumping (use the force option to dump anyway)`;
  return { ok, needed, available, message };
}

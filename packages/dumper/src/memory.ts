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

/** The memory cgroup folders of this process, innermost first (v2, then v1), up to the root. */
function cgroupFolders(): { dir: string; limit: string; usage: string }[] {
  let text = "";
  try {
    text = readFileSync("/proc/self/cgroup", "utf8");
  } catch {}
  const folders: { dir: string; limit: string; usage: string }[] = [];
  const add = (root: string, path: string, limit: string, usage: string) => {
    // Every ancestor can hold a limit; the process is bounded by the tightest.
    const parts = path.split("/").filter(Boolean);
    for (let n = parts.length; n >= 0; n--)
      folders.push({ dir: [root, ...parts.slice(0, n)].join("/"), limit, usage });
  };
  for (const line of text.split("\n")) {
    const [id, controllers, path] = line.split(":");
    if (path === undefined) continue;
    if (id === "0" && controllers === "")
      add("/sys/fs/cgroup", path, "memory.max", "memory.current");
    else if (controllers!.split(",").includes("memory"))
      add("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes", "memory.usage_in_bytes");
  }
  if (folders.length === 0) {
    add("/sys/fs/cgroup", "", "memory.max", "memory.current");
    add("/sys/fs/cgroup/memory", "", "memory.limit_in_bytes", "memory.usage_in_bytes");
  }
  return folders;
}

/** Bytes this process can still allocate: its cgroups' headroom or the machine's, the smallest. */
export function availableMemory(): number {
  let available = freemem();
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"));
    if (match) available = Number(match[1]) * 1024;
  } catch {}
  // The process's own cgroup and its ancestors (not only the mount's root, which a container
  // or a systemd unit nested below it does not see). "max" or absurdly large limits: no limit.
  for (const { dir, limit, usage } of cgroupFolders()) {
    const max = readNumber(`${dir}/${limit}`);
    const used = readNumber(`${dir}/${usage}`);
    if (max !== undefined && used !== undefined && max < 2 ** 60)
      available = Math.min(available, Math.max(0, max - used));
  }
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

import { readFileSync, writeFileSync } from "node:fs";

// Peak RSS of this process. Linux keeps the high-water mark in /proc/self/status (VmHWM), and
// writing "5" to /proc/self/clear_refs resets it to the current RSS, so a peak can be measured
// across one operation rather than the whole life of the process.

/** Resets the high-water mark; false where the kernel does not allow it. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS in bytes since the last reset (or since the process started). */
export function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {}
  return process.resourceUsage().maxRSS * 1024;
}

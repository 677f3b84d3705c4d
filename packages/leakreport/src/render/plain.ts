import { formatBytes } from "@heapmat/analyzer";
import type { LeakReport } from "../report.js";

/**
 * pmat-leakreport's lines, one per candidate, numbered by the dump it appeared in (1 = the first):
 * `LEAK[2] SessionRecord @86653 (488 B)`, or on .pmat dumps exactly pmat's `LEAK[2] HASH(2) at 0x…`.
 */
export function renderPlain(report: LeakReport): string {
  return report.candidates
    .map(
      (c) =>
        `LEAK[${c.generation + 1}] ${c.label ?? `${c.name} @${c.id} (${formatBytes(c.selfSize)})`}\n`,
    )
    .join("");
}

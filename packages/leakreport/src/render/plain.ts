import type { LeakReport } from "../report.js";
import { formatBytes } from "./bytes.js";

/** pmat-leakreport's lines, one per candidate: `LEAK[2] SessionRecord @86653 (488 B)`. */
export function renderPlain(report: LeakReport): string {
  return report.candidates
    .map((c) => `LEAK[${c.generation}] ${c.name} @${c.id} (${formatBytes(c.selfSize)})\n`)
    .join("");
}

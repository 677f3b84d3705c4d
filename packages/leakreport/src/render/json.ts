import type { LeakReport } from "../report.js";

/** Version of the JSON document; bumped on incompatible changes (see README.md). */
export const JSON_SCHEMA_VERSION = 1;

/** The report as a JSON document: everything but the per-candidate list, which can be huge. */
export function renderJson(report: LeakReport): string {
  const { candidates, ...rest } = report;
  return `${JSON.stringify({ version: JSON_SCHEMA_VERSION, ...rest, candidateCount: candidates.length }, null, 2)}\n`;
}

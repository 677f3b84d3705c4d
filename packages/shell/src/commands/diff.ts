import { basename } from "node:path";
import { type DiffRow, diff as diffHeaps, formatBytes } from "@heapmat/analyzer";
import { table } from "../text/table.js";
import { intOption } from "./args.js";
import type { Command } from "./command.js";

/** `diff BASELINE`: new, freed and surviving objects by constructor since an earlier snapshot. */
export const diff: Command = {
  name: "diff",
  summary: "Compare with an earlier snapshot: new, freed, surviving",
  usage: "FILE [--top N]",
  details: [
    "FILE is a baseline: an earlier snapshot of the same process (V8 ids are",
    "stable across the snapshots of one process). Rows are constructors, most",
    "growth first; 'new' objects are in this snapshot only, 'freed' in FILE only.",
  ].join("\n"),
  options: { top: { type: "string", arg: "N", help: "only the first N rows (default 20)" } },
  data: true,
  positionals: { min: 1, max: 1, name: "FILE" },
  completes: "files",
  async run({ session, columns }, { values, positionals: [file] }) {
    const baseline = await session.other(file!);
    const result = diffHeaps(baseline.indexes, session.indexes);
    const top = intOption(values, "top", 20, 1);
    // Growth first, then shrinkage, then churn that cancels out (new and freed alike).
    const band = (r: DiffRow) => (r.delta.bytes > 0 ? 0 : r.delta.bytes < 0 ? 1 : 2);
    const changed = result.byConstructor
      .filter((r) => r.added.count > 0 || r.freed.count > 0)
      .sort(
        (a, b) =>
          band(a) - band(b) ||
          Math.abs(b.delta.bytes) - Math.abs(a.delta.bytes) ||
          b.added.count + b.freed.count - (a.added.count + a.freed.count),
      );
    const n = (count: number) => count.toLocaleString("en-US");
    const signed = (value: number, text: string) =>
      value > 0 ? `+${text}` : value < 0 ? `-${text}` : "0";
    const lines = [
      `Baseline ${basename(file!)}`,
      `New ${n(result.added.count)} (${formatBytes(result.added.bytes)}), ` +
        `freed ${n(result.freed.count)} (${formatBytes(result.freed.bytes)}), ` +
        `surviving ${n(result.surviving.count)}`,
      ...table(
        [
          { header: "Constructor", max: Math.max(20, columns - 48) },
          { header: "New", align: "right" },
          { header: "Freed", align: "right" },
          { header: "Δ Count", align: "right" },
          { header: "Δ Bytes", align: "right" },
        ],
        changed
          .slice(0, top)
          .map((r) => [
            r.key,
            r.added.count.toLocaleString("en-US"),
            r.freed.count.toLocaleString("en-US"),
            signed(r.delta.count, Math.abs(r.delta.count).toLocaleString("en-US")),
            signed(r.delta.bytes, formatBytes(Math.abs(r.delta.bytes))),
          ]),
      ),
    ];
    if (changed.length > top) lines.push(`… ${changed.length - top} more rows (--top N)`);
    return { lines, json: { baseline: file, ...result, byConstructor: changed.slice(0, top) } };
  },
};

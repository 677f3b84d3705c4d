import { basename } from "node:path";
import { formatBytes } from "@heapmat/analyzer";
import type { Frame, LeakGroup, LeakReport, PathStep } from "../report.js";

/** Colours, or none: `paint` returns the text unchanged when colour is off. */
export type Paint = (
  style: "bold" | "dim" | "red" | "yellow" | "cyan" | "green",
  text: string,
) => string;

export const noPaint: Paint = (_style, text) => text;

/** How an object id reads: `@88207` for V8, an address (`0x55efee189120`) for Perl, as pmat shows it. */
type IdText = (id: number) => string;

function idText(report: LeakReport): IdText {
  return report.dumps.at(-1)?.format === "pmat" ? (id) => `0x${id.toString(16)}` : (id) => `@${id}`;
}

const PATH_TAIL = 6;

/** The grouped report, for a terminal. */
export function renderText(report: LeakReport, paint: Paint = noPaint): string {
  const lines: string[] = [];
  const files = report.dumps.map((d) => basename(d.file));
  const span = files.length > 2 ? `${files[0]} … ${files.at(-1)}` : files.join(", ");
  const analysis = {
    growth: "growth analysis",
    diff: "diff by constructor",
    suspects: "leak suspects",
  }[report.mode];
  lines.push(
    paint(
      "bold",
      `${report.dumps.length} dump${report.dumps.length > 1 ? "s" : ""} (${span}): ${analysis}`,
    ),
  );
  if (report.memory) lines.push(`memory: ${report.memory.message}`);
  lines.push("");

  if (report.mode === "diff") lines.push(...diffLines(report, paint));
  else if (report.groups.length === 0)
    lines.push(
      paint("green", report.mode === "growth" ? "no leaks found" : "no suspects found"),
      "",
    );
  const ids = idText(report);
  report.groups.forEach((group, rank) => {
    lines.push(
      ...(group.suspect
        ? suspectLines(group, rank, paint, ids)
        : groupLines(group, rank, paint, ids)),
      "",
    );
  });

  const { internal, weak, stoppedGrowing, dumper } = report.suppressed;
  const hidden = [
    internal > 0 &&
      `${internal} ${report.dumps.at(-1)?.format === "pmat" ? "REF" : "V8 internal object"}${internal > 1 ? "s" : ""}`,
    weak > 0 && `${weak} weakly held`,
    stoppedGrowing > 0 && `${stoppedGrowing} in caches that stopped growing`,
    dumper > 0 && `${dumper} held only by heapmat's dumper`,
  ].filter(Boolean);
  if (hidden.length > 0)
    lines.push(paint("dim", `not shown: ${hidden.join(", ")} (--all shows them)`));
  for (const note of report.notes) lines.push(paint("dim", `note: ${note}`));
  return `${lines.join("\n").trimEnd()}\n`;
}

function groupLines(group: LeakGroup, rank: number, paint: Paint, ids: IdText): string[] {
  const lines = [
    `${paint("bold", `#${rank + 1} ${paint("red", group.name)}`)}  ${group.count} leaked, retaining ${paint("yellow", formatBytes(group.retainedSize))} (${group.objects} objects)`,
    `   new per dump: ${group.perDump.map((count, i) => (i === 0 || i === group.perDump.length - 1 ? "·" : String(count))).join(" ")}`,
  ];
  if (group.dragsAlong.length > 0)
    lines.push(
      `   drags along: ${group.dragsAlong.map((d) => `${d.count} ${d.name} (${formatBytes(d.size)})`).join(", ")}`,
    );
  lines.push(...holderLines(group, paint, ids));
  if (group.allocation) lines.push(`   allocated at: ${stackText(group.allocation)}`);
  lines.push(`   ids: ${group.ids.map(ids).join(" ")}`);
  return lines;
}

function suspectLines(group: LeakGroup, rank: number, paint: Paint, ids: IdText): string[] {
  const suspect = group.suspect!;
  const point = suspect.accumulation;
  const lines = [
    `${paint("bold", `#${rank + 1} ${paint("red", group.name)}`)}${group.count > 1 ? ` ×${group.count}` : ` ${ids(group.ids[0]!)}`} retains ${paint("yellow", formatBytes(group.retainedSize))} (${(suspect.share * 100).toFixed(0)}% of the heap)`,
    `   accumulation point: ${point.name} ${ids(point.id)}, retaining ${formatBytes(point.retainedSize)}`,
  ];
  if (point.contents.length > 0)
    lines.push(
      `   which holds: ${point.contents.map((c) => `${c.count} ${c.name} (${formatBytes(c.retainedSize)})`).join(", ")}`,
    );
  if (suspect.between.length > 1) lines.push(`   between: ${pathText(suspect.between, ids)}`);
  lines.push(...holderLines(group, paint, ids));
  if (group.allocation) lines.push(`   allocated at: ${stackText(group.allocation)}`);
  return lines;
}

function holderLines(group: LeakGroup, paint: Paint, ids: IdText): string[] {
  const lines: string[] = [];
  group.heldBy.forEach((sentence, k) => {
    lines.push(`   ${k === 0 ? "held by:" : "        "} ${paint("cyan", sentence)}`);
  });
  if (group.path.length > 0) {
    const tail = group.path.length > PATH_TAIL ? group.path.slice(-PATH_TAIL) : group.path;
    lines.push(`   path: ${group.path.length > PATH_TAIL ? "… " : ""}${pathText(tail, ids)}`);
  }
  return lines;
}

export function pathText(steps: readonly PathStep[], ids: IdText = (id) => `@${id}`): string {
  return steps
    .map((step, k) => {
      const node = `${step.node} ${ids(step.id)}`;
      if (k === 0 || !step.edge) return node;
      const edge =
        step.edgeKind === "element" || step.edge.startsWith("[") ? step.edge : `.${step.edge}`;
      return `${edge} → ${node}`;
    })
    .join(" ");
}

function stackText(frames: readonly Frame[]): string {
  return frames
    .slice(0, 4)
    .map((f) => `${f.function} (${f.url ? basename(f.url) : "?"}:${f.line}:${f.column})`)
    .join(" ← ");
}

function diffLines(report: LeakReport, paint: Paint): string[] {
  if (!report.diff) return [];
  const rows = report.diff.map((row) => [
    row.name.length > 48 ? `${row.name.slice(0, 47)}…` : row.name,
    `${row.countAfter}`,
    `+${row.countAfter - row.countBefore}`,
    formatBytes(row.bytesAfter),
    `+${formatBytes(row.bytesAfter - row.bytesBefore)}`,
  ]);
  const header = ["constructor", "count", "new", "bytes", "growth"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ");
  return [paint("bold", line(header)), ...rows.map(line), ""];
}

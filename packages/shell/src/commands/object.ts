import {
  allocationStack,
  type EdgeInfo,
  formatBytes,
  forPointReads,
  inrefs as inrefsOf,
  outrefs as outrefsOf,
  show as showObject,
} from "@heapmat/analyzer";
import { resolveObject } from "../naming/resolve.js";
import { clip, table } from "../text/table.js";
import { marker, objectLabel, plural } from "../view/label.js";
import type { Command, CommandContext, Output } from "./command.js";

const STRENGTH_LETTER = { strong: "s", weak: "w", shortcut: "-" } as const;
/** Perl's edge kinds that pmat marks by letter of their own. */
const PMAT_LETTER: Record<string, string> = { indirect: "i", inferred: "~" };

/** Edges as a table: `$1  s  property  payload  (string) @81569 (32 B, retains 32 B)`. */
function edgeLines(edges: EdgeInfo[], columns: number, first = 1, total = edges.length): string[] {
  const rows = edges.map((edge, i) => [
    marker(first + i, total),
    PMAT_LETTER[edge.kind] ?? STRENGTH_LETTER[edge.strength],
    edge.kind,
    clip(String(edge.name), 20),
    edge.description,
  ]);
  const widths = [String(total).length + 2, 1, 8, 20];
  const room = Math.max(20, columns - widths.reduce((a, b) => a + b + 2, 0) - 4);
  return table(
    [
      { header: "" },
      { header: "" },
      { header: "edge" },
      { header: "name" },
      { header: "object", max: room },
    ],
    rows,
  ).slice(1);
}

function edgesCommand(name: "outrefs" | "inrefs"): Command {
  const outgoing = name === "outrefs";
  return {
    name,
    summary: outgoing
      ? "List the references an object holds"
      : "List the references to an object, nearest the roots first",
    usage: "ID",
    details: "s = strong, w = weak, - = shortcut (a duplicate V8 link).",
    data: true,
    positionals: { min: 1, max: 1, name: "ID" },
    completes: "ids",
    run({ session, columns }: CommandContext, { positionals: [id] }): Output {
      const node = resolveObject(session, id!);
      const edges = (outgoing ? outrefsOf : inrefsOf)(session.indexes, node);
      const head = `${objectLabel(session.pointGraph, node)} has ${plural(edges.length, outgoing ? "outref" : "inref")}`;
      return {
        lines: [head, ...edgeLines(edges, columns)],
        json: edges,
        listed: edges.map((e) => e.index),
      };
    },
  };
}

export const outrefs = edgesCommand("outrefs");
export const inrefs = edgesCommand("inrefs");

/** `show ID`: everything known about one object. */
export const show: Command = {
  name: "show",
  summary: "Show an object: kind, sizes, distance, value, location, edges",
  usage: "ID",
  data: true,
  positionals: { min: 1, max: 1, name: "ID" },
  completes: "ids",
  run({ session, columns }, { positionals: [id] }) {
    const node = resolveObject(session, id!);
    const report = showObject(session.indexes, node, { edges: 5 });
    const lines = [report.description, `  kind        ${report.kind}`];
    lines.push(
      `  size        ${formatBytes(report.selfSize)} self, ${formatBytes(report.retainedSize)} retained`,
    );
    lines.push(
      `  distance    ${report.distance === null ? "unreachable from the roots" : `${plural(report.distance, "hop")} from the roots`}`,
    );
    if (report.dominatorId !== null) {
      const dominator = forPointReads(session.indexes).dominator[node]!;
      lines.push(`  dominator   ${objectLabel(session.pointGraph, dominator)}`);
    }
    if (report.stringValue !== undefined) {
      lines.push(`  value       ${JSON.stringify(clip(report.stringValue, 500))}`);
    }
    if (report.location) {
      const { script, line, column } = report.location;
      lines.push(`  defined at  ${script}:${line}:${column}`);
    }
    if (report.allocationStack) {
      report.allocationStack.forEach((frame, i) => {
        lines.push(`  ${i === 0 ? "allocated" : "         "}   ${frameText(frame)}`);
      });
    }
    const listed: number[] = [];
    for (const [what, summary] of [
      ["outrefs", report.outrefs],
      ["inrefs", report.inrefs],
    ] as const) {
      const kinds = Object.entries(summary.byKind)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
      lines.push(`  ${what.padEnd(10)}  ${summary.count}${kinds ? ` (${kinds})` : ""}`);
      lines.push(
        ...edgeLines(summary.first, columns - 2, listed.length + 1, 10).map((l) => `  ${l}`),
      );
      if (summary.count > summary.first.length) {
        lines.push(`    … ${summary.count - summary.first.length} more: type '${what} ${id}'`);
      }
      listed.push(...summary.first.map((e) => e.index));
    }
    return { lines, json: report, listed };
  },
};

interface Frame {
  functionName: string;
  scriptName?: string;
  script?: string;
  line: number;
  column: number;
}

function frameText(frame: Frame): string {
  const script = frame.scriptName ?? frame.script ?? "";
  const where = frame.line > 0 ? `${script}:${frame.line}:${frame.column}` : script;
  const name = frame.functionName || "(anonymous)";
  return where ? `${name} (${where})` : name;
}

/** `allocs ID`: where the object was allocated, when the dump tracked allocations. */
export const allocs: Command = {
  name: "allocs",
  summary: "Show the stack that allocated an object",
  usage: "ID",
  details: [
    "Needs a dump taken with allocation tracking (node --track-heap-objects, or",
    "the dumper's allocation tracking); objects allocated before tracking began",
    "have no stack.",
  ].join("\n"),
  data: true,
  positionals: { min: 1, max: 1, name: "ID" },
  completes: "ids",
  run({ session }, { positionals: [id] }) {
    const node = resolveObject(session, id!);
    const stack = allocationStack(session.pointGraph, node) as Frame[] | null;
    const what = objectLabel(session.pointGraph, node);
    if (!stack || stack.length === 0) {
      const why = session.graph.trace
        ? "it was allocated before tracking began"
        : "the dump has no allocation tracking (node --track-heap-objects)";
      return { lines: [`${what}: no allocation stack: ${why}`], json: null, listed: [node] };
    }
    return {
      lines: [`${what} was allocated at:`, ...stack.map((frame) => `  ${frameText(frame)}`)],
      json: stack,
      listed: [node],
    };
  },
};

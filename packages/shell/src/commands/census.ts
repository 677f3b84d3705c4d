import {
  count as countRows,
  countTotals,
  formatBytes,
  type LargestEntry,
  label,
  largest as largestObjects,
  moduleSizes,
  type CountRow as Row,
  strings as stringRows,
  totalSelfSize,
} from "@heapmat/analyzer";
import { UsageError } from "../errors.js";
import type { Session } from "../session/session.js";
import { clip, table } from "../text/table.js";
import { marker } from "../view/label.js";
import { intArgument, intOption } from "./args.js";
import type { Command } from "./command.js";

/** Rows per constructor (with retained sizes) or per kind; constructors by self size, as pmat counts. */
function census(session: Session, by: "kind" | "constructor"): Row[] {
  const rows = countRows(session.indexes, by);
  if (by === "constructor")
    rows.sort((a, b) => b.selfSize - a.selfSize || a.key.localeCompare(b.key));
  return rows;
}

/** "+12" / "-3" / "" for a change. */
function change(delta: number, bytes = false): string {
  if (delta === 0) return "";
  const text = bytes ? formatBytes(Math.abs(delta)) : Math.abs(delta).toLocaleString("en-US");
  return `${delta > 0 ? "+" : "-"}${text}`;
}

/** `count`: a histogram of objects, self and retained bytes, per constructor or kind. */
export const count: Command = {
  name: "count",
  summary: "Count objects and bytes per constructor or kind",
  usage: "[--by constructor|kind] [--top N] [--diff FILE]",
  details: [
    "By constructor (the default), retained bytes are what would be freed if",
    "every object of that constructor went. --diff FILE adds the change since",
    "FILE, an earlier snapshot of the same process.",
  ].join("\n"),
  options: {
    by: { type: "string", arg: "WHAT", help: "constructor (default) or kind" },
    top: { type: "string", arg: "N", help: "only the N largest rows" },
    diff: { type: "string", arg: "FILE", help: "show the change since FILE" },
  },
  data: true,
  positionals: { max: 0 },
  async run({ session, columns }, { values }) {
    const by = (values.by as string | undefined) ?? "constructor";
    if (by !== "kind" && by !== "constructor") {
      throw new UsageError(`count: --by takes 'constructor' or 'kind', not '${by}'`);
    }
    const top = intOption(values, "top", Number.POSITIVE_INFINITY, 1);
    const rows = census(session, by);
    const other = values.diff ? await session.other(values.diff as string) : undefined;
    const before = other && new Map(census(other, by).map((r) => [r.key, r]));
    const shown = rows.slice(0, top);
    const retained = by === "constructor";
    const right = { header: "", align: "right" as const };
    const header = [
      { header: by === "kind" ? "Kind" : "Constructor", max: Math.max(20, columns - 50) },
      { ...right, header: "Count" },
      ...(other ? [right] : []),
      { ...right, header: "Self" },
      ...(other ? [right] : []),
      ...(retained ? [{ ...right, header: "Retained" }] : []),
    ];
    const cells = (row: Row, was: Row | undefined) => [
      row.key,
      row.count.toLocaleString("en-US"),
      ...(other ? [change(row.count - (was?.count ?? 0))] : []),
      formatBytes(row.selfSize),
      ...(other ? [change(row.selfSize - (was?.selfSize ?? 0), true)] : []),
      ...(retained ? [row.retainedSize === undefined ? "" : formatBytes(row.retainedSize)] : []),
    ];
    // Counted as the dump's own tools count (pmat leaves out heapmat's synthetic root nodes).
    const total: Row = { key: "(total)", ...countTotals(session.graph) };
    const totalBefore: Row | undefined = other && { key: "(total)", ...countTotals(other.graph) };
    return {
      lines: table(header, [
        ...shown.map((row) => cells(row, before?.get(row.key))),
        cells(total, totalBefore),
      ]),
      json: {
        by,
        rows: shown.map((row) => ({
          ...row,
          ...(before && {
            countChange: row.count - (before.get(row.key)?.count ?? 0),
            selfSizeChange: row.selfSize - (before.get(row.key)?.selfSize ?? 0),
          }),
        })),
        total,
        ...(totalBefore && { totalBefore }),
      },
    };
  },
};

/** `largest [N]`: the biggest objects, optionally with what they own nested. */
export const largest: Command = {
  name: "largest",
  summary: "List the largest objects by retained or self size",
  usage: "[N] [--retained|--self] [--owned] [--depth N]",
  details: "--owned nests under each object the largest objects it alone keeps alive.",
  options: {
    retained: { type: "boolean", short: "r", help: "by retained size (the default)" },
    self: { type: "boolean", short: "s", help: "by self size" },
    owned: { type: "boolean", short: "o", help: "nest the largest owned objects" },
    depth: { type: "string", arg: "N", help: "levels of nesting with --owned (default 2)" },
  },
  data: true,
  positionals: { max: 1, name: "N" },
  run({ session }, { values, positionals: [n] }) {
    if (values.self && values.retained) {
      throw new UsageError("largest: --self or --retained, not both");
    }
    const by = values.self ? "self" : "retained";
    const entries = largestObjects(session.indexes, intArgument(n, "N", 5), {
      by,
      owned: values.owned === true,
      depth: intOption(values, "depth", 2, 1),
    });
    const listed: number[] = [];
    const lines: string[] = [];
    const countAll = (list: LargestEntry[]): number =>
      list.reduce((sum, e) => sum + 1 + countAll(e.owned ?? []), 0);
    const total = countAll(entries);
    const render = (list: LargestEntry[], indent: string) => {
      for (const entry of list) {
        listed.push(entry.index);
        const owns = entry.owned ? ": of which" : "";
        lines.push(
          `${marker(listed.length, total)}${indent}${label(session.graph, entry.index)}: ${formatBytes(entry.size)}${owns}`,
        );
        if (entry.owned) {
          render(entry.owned, `${indent} |   `);
          if (entry.others) {
            lines.push(
              `${" ".repeat(String(total).length + 2)}${indent} |   others: ${formatBytes(entry.others)}`,
            );
          }
        }
      }
    };
    render(entries, "");
    if (by === "self") {
      const rest = totalSelfSize(session.graph) - entries.reduce((sum, e) => sum + e.size, 0);
      lines.push(`others: ${formatBytes(rest)}`);
    }
    return { lines, json: entries, listed };
  },
};

/** `strings [--dups]`: string values, or the duplicated ones and the bytes they waste. */
export const strings: Command = {
  name: "strings",
  summary: "List strings by bytes, or duplicated strings by bytes wasted",
  usage: "[--dups] [--top N]",
  options: {
    dups: { type: "boolean", short: "d", help: "only values held more than once" },
    top: { type: "string", arg: "N", help: "only the first N rows (default 30)" },
  },
  data: true,
  positionals: { max: 0 },
  run({ session, columns }, { values }) {
    const dups = values.dups === true;
    const rows = stringRows(session.indexes, {
      duplicates: dups,
      limit: intOption(values, "top", 30, 1),
    });
    const room = Math.max(20, columns - (dups ? 34 : 24));
    const lines = table(
      [
        { header: "Count", align: "right" },
        { header: "Bytes", align: "right" },
        ...(dups ? [{ header: "Wasted", align: "right" as const }] : []),
        { header: "Value" },
      ],
      rows.map((row) => [
        row.count.toLocaleString("en-US"),
        formatBytes(row.bytes),
        ...(dups ? [formatBytes(row.wasted)] : []),
        clip(JSON.stringify(row.value), room),
      ]),
    );
    if (dups) {
      const wasted = rows.reduce((sum, r) => sum + r.wasted, 0);
      lines.push(`${formatBytes(wasted)} wasted in the ${rows.length} values shown`);
    }
    return { lines, json: rows };
  },
};

/** `modules`: retained bytes per script or module. */
export const modules: Command = {
  name: "modules",
  summary: "Retained bytes per module or script",
  usage: "[--top N]",
  details: [
    "Each object counts for the script whose code (closure or module context)",
    "nearest dominates it; the sizes add up, with V8 and Node internals left",
    "unattributed.",
  ].join("\n"),
  options: { top: { type: "string", arg: "N", help: "only the first N rows (default 20)" } },
  data: true,
  positionals: { max: 0 },
  run({ session, columns }, { values }) {
    const sizes = moduleSizes(session.indexes);
    const top = intOption(values, "top", 20, 1);
    const rows = sizes.scriptName.slice(0, top).map((script, i) => ({
      script,
      retainedSize: sizes.retainedSize[i]!,
      count: sizes.count[i]!,
    }));
    const room = Math.max(20, columns - 24);
    const lines = table(
      [
        { header: "Retained", align: "right" },
        { header: "Objects", align: "right" },
        { header: "Module or script" },
      ],
      [
        ...rows.map((r) => [
          formatBytes(r.retainedSize),
          r.count.toLocaleString("en-US"),
          clipStart(r.script, room),
        ]),
        [formatBytes(sizes.unattributedSize), "", "(unattributed: V8 and Node internals)"],
      ],
    );
    return { lines, json: { modules: rows, unattributedSize: sizes.unattributedSize } };
  },
};

/** Keeps the end of a long path, where the file name is. */
function clipStart(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

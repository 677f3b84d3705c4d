import { styleText } from "node:util";
import type { BenchReport } from "../bench.js";
import { formatBytes, formatCount, formatMs, formatRatio } from "./format.js";
import type { Figure } from "./ratios.js";

// The report as a person reads it: the ratios with the absolute figures beside them, then each
// measurement on its own, then why any figure is missing.

export function formatReport(report: BenchReport, color: boolean): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    color ? styleText(style, text) : text;
  const { heap, machine } = report;
  const lines: string[] = [];
  const counts =
    heap.nodes !== undefined
      ? `${formatCount(heap.nodes)} nodes / ${formatCount(heap.edges ?? 0)} edges`
      : "no snapshot";
  lines.push(
    paint(
      "bold",
      `heapmat bench · scale ${report.scale} · ${counts} · Node ${machine.node} · ${report.runs} run${report.runs === 1 ? "" : "s"} · ${machine.cpus} CPUs · load ${machine.loadAverage.map((l) => l.toFixed(1)).join(" → ")}`,
    ),
  );
  const files = [
    heap.heapsnapshotBytes !== undefined &&
      `V8 JSON ${formatBytes(heap.heapsnapshotBytes)} (${perNode(heap.heapsnapshotBytes, heap.nodes)} B/node)`,
    heap.gzip6Bytes !== undefined && `gzip -6 ${formatBytes(heap.gzip6Bytes)}`,
    heap.hmatBytes !== undefined &&
      `.hmat ${formatBytes(heap.hmatBytes)} (${perNode(heap.hmatBytes, heap.nodes)} B/node)`,
    heap.dumpHmatBytes !== undefined && `dumper's own .hmat ${formatBytes(heap.dumpHmatBytes)}`,
  ].filter(Boolean);
  if (files.length) lines.push(`files: ${files.join(" · ")}`);
  lines.push("");

  const cell = (f: Figure | undefined) => {
    if (!f) return "";
    if (f.median === undefined) return `n/a (${f.source})`;
    return `${range(f)} (${f.source})`;
  };
  const rows = report.ratios.map((row) => {
    const verdict =
      row.meets === undefined ? "" : row.meets ? paint("green", "meets") : paint("red", "short");
    return [
      row.label,
      cell(row.heapmat),
      cell(row.anchor),
      row.ratio === undefined ? (row.anchor ? "n/a" : "") : formatRatio(row.ratio),
      row.ratioOfMins === undefined ? "" : formatRatio(row.ratioOfMins),
      row.target === undefined ? "" : `≤ ${row.target}×`,
      verdict,
    ];
  });
  lines.push(
    ...table(
      [
        "comparison",
        "heapmat: min / median",
        "anchor: min / median",
        "ratio",
        "of mins",
        "target",
        "",
      ],
      rows,
    ),
  );

  const retained = Object.entries(report.rootRetainedSize);
  if (retained.length > 1) {
    const agree = new Set(retained.map(([, v]) => v)).size === 1;
    lines.push(
      "",
      `root retained size: ${retained.map(([id, v]) => `${id} ${formatCount(v)}`).join(", ")}${agree ? "" : paint("red", " (they differ)")}`,
    );
  }

  lines.push("");
  const measured = Object.entries(report.measurements)
    .filter(([, m]) => m.status !== "skipped")
    .map(([id, m]) => {
      const time = m.stats.totalMs ?? m.stats.wallMs;
      return [
        id,
        m.status === "ok" ? (time ? range({ ...time, unit: "ms", source: "" }) : "") : m.status,
        m.stats.pauseMs ? range({ ...m.stats.pauseMs, unit: "ms", source: "" }) : "",
        m.stats.peakRss ? range({ ...m.stats.peakRss, unit: "bytes", source: "" }) : "",
        m.what,
      ];
    });
  lines.push(
    ...table(["measurement", "time: min / median", "pause", "peak RSS", "what"], measured),
  );

  for (const [id, spots] of Object.entries(report.hotSpots ?? {})) {
    if (!spots.length) continue;
    lines.push("", `hot spots of ${id} (self time per thread, summed over runs):`);
    lines.push(
      ...table(
        ["thread", "self", "share", "function", "where"],
        spots.map((s) => [
          s.thread,
          formatMs(s.selfMs),
          `${(s.share * 100).toFixed(1)}%`,
          s.function,
          s.where,
        ]),
      ),
    );
  }

  const missing = Object.entries(report.measurements).filter(
    ([, m]) => m.status === "failed" || m.status === "unavailable",
  );
  if (missing.length) {
    lines.push("", "missing figures:");
    for (const [id, m] of missing)
      lines.push(`  ${id}: ${m.status === "failed" ? "failed" : "not available"}: ${m.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

function range(f: Figure): string {
  const show = f.unit === "ms" ? formatMs : formatBytes;
  return f.min === f.median ? show(f.median!) : `${show(f.min!)} / ${show(f.median!)}`;
}

function perNode(bytes: number, nodes: number | undefined): string {
  return nodes ? (bytes / nodes).toFixed(1) : "?";
}

/** Left-aligned columns, two spaces apart; widths ignore colour codes. */
function table(header: string[], rows: string[][]): string[] {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;
  const widths = header.map((h, c) =>
    Math.max(visible(h), ...rows.map((r) => visible(r[c] ?? ""))),
  );
  const line = (cells: string[]) =>
    cells
      .map((text, c) => text + " ".repeat(widths[c]! - visible(text)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

import { visibleLength } from "./style.js";

export interface Column {
  header: string;
  align?: "left" | "right";
  /** Cut cells to this width with "…" (names that would push a table past 80 columns). */
  max?: number;
}

/** Renders rows under headers, columns padded to their widest cell, two spaces apart. */
export function table(columns: Column[], rows: string[][]): string[] {
  const cells = rows.map((row) => row.map((cell, c) => clip(cell, columns[c]?.max)));
  const widths = columns.map((column, c) =>
    Math.max(visibleLength(column.header), ...cells.map((row) => visibleLength(row[c] ?? ""))),
  );
  const line = (row: string[]) =>
    columns
      .map((column, c) => pad(row[c] ?? "", widths[c]!, column.align ?? "left"))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "right" ? fill + text : text + fill;
}

export function clip(text: string, max: number | undefined): string {
  if (max === undefined || text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

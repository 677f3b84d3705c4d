import { styleText } from "node:util";

type Format = Parameters<typeof styleText>[0];

/** Colours for one stream: on for a TTY, off under NO_COLOR (https://no-color.org) or --no-color. */
export interface Style {
  readonly enabled: boolean;
  (format: Format, text: string): string;
}

export function makeStyle(stream: { isTTY?: boolean }, forceOff = false): Style {
  const enabled = !forceOff && stream.isTTY === true && !process.env.NO_COLOR;
  const style = (format: Format, text: string) => (enabled ? styleText(format, text) : text);
  return Object.assign(style, { enabled });
}

/** Printable width of a string that may hold ANSI colour codes. */
export function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}

// Small text helpers shared by the queries' labels and renderers.

const UNITS = ["KiB", "MiB", "GiB", "TiB"];

/** Bytes the way pmat prints them: `488 B`, `1.2 KiB`, `3.4 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A string value shortened for a one-line label, quoted, with control characters escaped. */
export function quote(text: string, max = 40): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(short).slice(1, -1).replace(/^|$/g, "'").replace(/\\"/g, '"');
}

/** The last path segment of a script name or URL: `file:///a/b/c.mjs` -> `c.mjs`. */
export function baseName(script: string): string {
  const slash = script.lastIndexOf("/");
  return slash >= 0 && slash < script.length - 1 ? script.slice(slash + 1) : script;
}

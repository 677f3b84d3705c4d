// Process-wide dumper settings: defaults, overridden by HEAPMAT_DUMPER (register) or configure().
import { basename, extname, resolve } from "node:path";
import type { DumpResult } from "./dump.js";

export interface Settings {
  /** File name pattern with {pid}, {n}, {script}, {time}; resolved against the start-up cwd. */
  file: string;
  redact: boolean;
  maxString: number | undefined;
  /** tick() dumps on every Nth call. */
  every: number;
  /** Recorded in every dump; a function is called at each dump. */
  label: string | (() => string) | undefined;
  force: boolean;
  /**
   * Called after every successful dump, whatever triggered it (a signal, a timer, the API), e.g.
   * to upload the file. What it throws or rejects with is reported on stderr, never passed on.
   */
  onDump: ((result: DumpResult) => unknown) | undefined;
}

export const DEFAULT_FILE = "{script}-{pid}-{n}.hmat";

export const settings: Settings = {
  file: resolve(DEFAULT_FILE),
  redact: false,
  maxString: undefined,
  every: 1,
  label: undefined,
  force: false,
  onDump: undefined,
};

/** Changes the defaults of every later dump. A relative `file` is resolved against the cwd now. */
export function configure(changes: Partial<Settings>): void {
  Object.assign(settings, changes);
  if (changes.file !== undefined) settings.file = resolve(changes.file);
}

let serial = 0;

function scriptName(): string {
  const main = process.argv[1];
  return main ? basename(main, extname(main)) : "node";
}

/** The next file name from the pattern. */
export function nextFileName(pattern = settings.file): string {
  const n = ++serial;
  const time = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  return pattern
    .replaceAll("{pid}", String(process.pid))
    .replaceAll("{n}", String(n))
    .replaceAll("{script}", scriptName())
    .replaceAll("{time}", time);
}

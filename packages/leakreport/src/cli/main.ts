import { readFile } from "node:fs/promises";
import { parseArgs, styleText } from "node:util";
import { SnapshotReadError } from "@heapmat/analyzer";
import { parseStats } from "../analysis/memory-growth.js";
import { DumpSequenceError, findLeaks } from "../find-leaks.js";
import { renderJson } from "../render/json.js";
import { renderPlain } from "../render/plain.js";
import { noPaint, type Paint, renderText } from "../render/text.js";
import type { LeakGroup } from "../report.js";
import { progressBar } from "./progress.js";

export const USAGE = `Usage: heapmat-leakreport [options] FILE...

Finds the objects that leak across dumps of one process (.hmat, .heapsnapshot or Perl's .pmat,
oldest first).
Three or more dumps: growth analysis. Two: diff by constructor. One: leak suspects.

Options:
  -1, --onefile        stop adding candidates after the first dump that adds any
      --plain          one pmat-style line per candidate: LEAK[2] SessionRecord @86653 (488 B);
                       exactly pmat-leakreport's lines on .pmat dumps
      --json           the report as JSON (schema in the README)
      --top N          show the N biggest groups only
      --fail-on-leak   exit 1 when a group reaches --min-bytes and --min-count
      --min-bytes N    bytes a group must retain to fail (default 0)
      --min-count N    structures a group must count to fail (default 1)
      --all            also show V8 internals and caches that stopped growing
      --threshold PCT  one dump: heap share that makes a suspect (default 10)
      --stats FILE     memory samples (NDJSON stats lines) to tell JS heap from external/RSS growth
      --force          compare dumps that look like other processes or the wrong order
      --salvage        read what is complete of dumps cut short (a process killed mid-dump)
      --debug          print stack traces of errors
  -h, --help           show this help
`;

export const EXIT = { ok: 0, found: 1, usage: 2, unreadable: 3 } as const;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Runs the command; resolves to its exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`heapmat-leakreport: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  const numbers = numberOptions(values);
  if (typeof numbers === "string" || positionals.length === 0) {
    io.stderr.write(
      `heapmat-leakreport: ${typeof numbers === "string" ? numbers : "no dump files given"}\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  if ([values.json, values.plain].filter(Boolean).length > 1) {
    io.stderr.write("heapmat-leakreport: --json and --plain exclude each other\n");
    return EXIT.usage;
  }

  const bar = progressBar(io.stderr);
  try {
    const stats = values.stats ? parseStats(await readFile(values.stats, "utf8")) : undefined;
    const report = await findLeaks(positionals, {
      onefile: values.onefile ?? false,
      force: values.force ?? false,
      salvage: values.salvage ?? false,
      all: values.all ?? false,
      ...(numbers.threshold !== undefined && { threshold: numbers.threshold / 100 }),
      ...(stats && { stats }),
      onProgress: (p) => bar.update(p),
    });
    bar.done();
    if (numbers.top !== undefined) report.groups = report.groups.slice(0, numbers.top);
    if (values.json) io.stdout.write(renderJson(report));
    else if (values.plain) io.stdout.write(renderPlain(report));
    else io.stdout.write(renderText(report, painter(io)));
    if (values["fail-on-leak"]) {
      const failing = report.groups.filter(
        (g: LeakGroup) =>
          g.retainedSize >= (numbers.minBytes ?? 0) && g.count >= (numbers.minCount ?? 1),
      );
      if (failing.length > 0) {
        io.stderr.write(
          `heapmat-leakreport: ${failing.length} leak group${failing.length > 1 ? "s" : ""} over the threshold\n`,
        );
        return EXIT.found;
      }
    }
    return EXIT.ok;
  } catch (error) {
    bar.done();
    return reportError(error, io, values.debug ?? false);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      onefile: { type: "boolean", short: "1" },
      plain: { type: "boolean" },
      json: { type: "boolean" },
      top: { type: "string" },
      "fail-on-leak": { type: "boolean" },
      "min-bytes": { type: "string" },
      "min-count": { type: "string" },
      all: { type: "boolean" },
      threshold: { type: "string" },
      stats: { type: "string" },
      force: { type: "boolean" },
      salvage: { type: "boolean" },
      debug: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

interface Numbers {
  top?: number;
  minBytes?: number;
  minCount?: number;
  threshold?: number;
}

/** Parses the numeric options; returns a usage message when one is not a number. */
function numberOptions(values: Record<string, unknown>): Numbers | string {
  const out: Numbers = {};
  const specs = [
    ["top", "top", true],
    ["min-bytes", "minBytes", true],
    ["min-count", "minCount", true],
    ["threshold", "threshold", false],
  ] as const;
  for (const [flag, key, integer] of specs) {
    const text = values[flag];
    if (typeof text !== "string") continue;
    const value = Number(text);
    if (
      text.trim() === "" ||
      !Number.isFinite(value) ||
      value < 0 ||
      (integer && !Number.isInteger(value))
    )
      return `--${flag} expects a ${integer ? "whole " : ""}number >= 0, got '${text}'`;
    out[key] = value;
  }
  if (out.threshold !== undefined && out.threshold > 100)
    return "--threshold is a percentage, at most 100";
  return out;
}

function reportError(error: unknown, io: Io, debug: boolean): number {
  let code: number = EXIT.unreadable;
  let message: string;
  if (error instanceof DumpSequenceError) {
    code = EXIT.usage;
    message = error.message;
  } else if (error instanceof SnapshotReadError) message = error.message;
  else if (isFileError(error)) message = `${error.path}: ${fileErrorText(error.code)}`;
  else
    message = `unexpected error: ${(error as Error)?.message ?? String(error)} (--debug shows where)`;
  io.stderr.write(`heapmat-leakreport: ${message}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return code;
}

function isFileError(
  error: unknown,
): error is NodeJS.ErrnoException & { path: string; code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).path === "string";
}

function fileErrorText(code: string): string {
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "is a directory, expected a dump file";
    default:
      return `cannot read (${code})`;
  }
}

/** Colour on a TTY unless NO_COLOR is set (FORCE_COLOR forces it). */
function painter(io: Io): Paint {
  const { NO_COLOR, FORCE_COLOR } = io.env;
  const enabled =
    NO_COLOR === undefined || NO_COLOR === ""
      ? (FORCE_COLOR !== undefined && FORCE_COLOR !== "0") || io.stdout.isTTY === true
      : false;
  return enabled ? (style, text) => styleText(style, text) : noPaint;
}

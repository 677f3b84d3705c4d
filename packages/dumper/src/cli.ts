#!/usr/bin/env node
// heapmat-dump: convert between V8's .heapsnapshot and .hmat, and describe .hmat files.
import { closeSync, openSync, readFileSync, readSync, renameSync, writeSync } from "node:fs";
// A namespace import: util.styleText is missing on Node 18.
import * as util from "node:util";
import { convertFile, convertHmat } from "./convert.js";
import { isHmat } from "./format.js";
import { decodeHmat, HmatFormatError, writeV8Json } from "./hmat-reader.js";
import { V8JsonError } from "./v8-parser.js";
import { VERSION } from "./version.js";

const USAGE = `Usage:
  heapmat-dump convert <in.heapsnapshot> <out.hmat> [--redact] [--max-string <n>]
  heapmat-dump convert <in.hmat> <out.heapsnapshot>     (for Chrome DevTools)
  heapmat-dump convert <in.hmat> <out.hmat> --redact [--max-string <n>]   (before sharing it)
  heapmat-dump info <file.hmat> [--json]
Options: --debug (stack traces), --help, --version
Exit codes: 0 ok, 2 usage error, 3 unreadable input, 1 other failure (e.g. cannot write).`;

class UsageError extends Error {}
class InputError extends Error {}

function style(format: "red", text: string): string {
  const styleText = (util as { styleText?: (format: string, text: string) => string }).styleText;
  if (process.env.NO_COLOR || !process.stderr.isTTY || !styleText) return text;
  return styleText(format, text);
}

function fail(code: number, message: string): never {
  process.stderr.write(`${style("red", "heapmat-dump:")} ${message}\n`);
  process.exit(code);
}

function readHead(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new InputError(`cannot open ${path}: ${(error as Error).message}`);
  }
  const head = new Uint8Array(8);
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  return head;
}

async function toHmat(input: string, output: string, redact: boolean, maxString?: number) {
  try {
    return await convertFile(input, output, {
      ...(redact && { redact }),
      ...(maxString !== undefined && { maxString }),
    });
  } catch (error) {
    if (error instanceof V8JsonError) throw new InputError(`${input}: ${error.message}`);
    if ((error as NodeJS.ErrnoException).path === input)
      throw new InputError(`cannot read ${input}: ${(error as Error).message}`);
    throw error;
  }
}

function rewriteHmat(input: string, output: string, redact: boolean, maxString?: number) {
  if (/\.heapsnapshot$/i.test(output))
    throw new UsageError(
      "--redact and --max-string write .hmat: redact to a .hmat, then convert that to .heapsnapshot",
    );
  try {
    return convertHmat(input, output, {
      ...(redact && { redact }),
      ...(maxString !== undefined && { maxString }),
    });
  } catch (error) {
    if (error instanceof HmatFormatError) throw new InputError(error.message);
    if ((error as NodeJS.ErrnoException).path === input)
      throw new InputError(`cannot read ${input}: ${(error as Error).message}`);
    throw error;
  }
}

function toV8(input: string, output: string) {
  let decoded: ReturnType<typeof decodeHmat>;
  try {
    decoded = decodeHmat(readFileSync(input), input);
  } catch (error) {
    if (error instanceof HmatFormatError) throw new InputError(error.message);
    throw new InputError(`cannot read ${input}: ${(error as Error).message}`);
  }
  const tmp = `${output}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeV8Json(decoded, (text) => {
      writeSync(fd, text);
    });
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, output);
  const nodeWidth = decoded.snapshot.meta.node_fields.length;
  return {
    nodes: (decoded.tables.nodes?.length ?? 0) / nodeWidth,
    strings: decoded.strings.length,
  };
}

function info(input: string, json: boolean) {
  let decoded: ReturnType<typeof decodeHmat>;
  try {
    decoded = decodeHmat(readFileSync(input), input);
  } catch (error) {
    if (error instanceof HmatFormatError) throw new InputError(error.message);
    throw new InputError(`cannot read ${input}: ${(error as Error).message}`);
  }
  const summary = { ...decoded.info, ...decoded.trailer };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else
    for (const [key, value] of Object.entries(summary))
      process.stdout.write(
        `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}\n`,
      );
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof util.parseArgs>;
  try {
    parsed = util.parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        redact: { type: "boolean" },
        "max-string": { type: "string" },
        json: { type: "boolean" },
        debug: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  if (values.version) return void process.stdout.write(`${VERSION}\n`);
  const [command, ...args] = positionals;
  if (command === "convert") {
    if (args.length !== 2) throw new UsageError("convert takes an input and an output file");
    const [input, output] = args as [string, string];
    let maxString: number | undefined;
    if (values["max-string"] !== undefined) {
      maxString = Number(values["max-string"]);
      if (!Number.isInteger(maxString) || maxString < 1)
        throw new UsageError("--max-string takes a positive integer");
    }
    const start = performance.now();
    if (isHmat(readHead(input)) && (values.redact || maxString !== undefined)) {
      const result = rewriteHmat(input, output, values.redact === true, maxString);
      report(values.json === true, { input, output, ...result, ms: performance.now() - start });
    } else if (isHmat(readHead(input))) {
      const result = toV8(input, output);
      report(values.json === true, { input, output, ...result, ms: performance.now() - start });
    } else {
      const result = await toHmat(input, output, values.redact === true, maxString);
      report(values.json === true, { input, output, ...result, ms: performance.now() - start });
    }
  } else if (command === "info") {
    if (args.length !== 1) throw new UsageError("info takes one .hmat file");
    info(args[0]!, values.json === true);
  } else throw new UsageError(command ? `unknown command '${command}'` : "no command given");
}

function report(json: boolean, result: Record<string, unknown>): void {
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stderr.write(
      `${result.input} -> ${result.output}: ${Object.entries(result)
        .filter(([k]) => k !== "input" && k !== "output")
        .map(([k, v]) => `${k} ${typeof v === "number" ? Math.round(v) : v}`)
        .join(", ")}\n`,
    );
}

const debug = process.argv.includes("--debug");
main(process.argv.slice(2)).catch((error: unknown) => {
  if (debug) console.error(error);
  if (error instanceof UsageError) fail(2, `${error.message}\n${USAGE}`);
  if (error instanceof InputError) fail(3, error.message);
  fail(1, (error as Error).message);
});

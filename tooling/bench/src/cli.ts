#!/usr/bin/env node
// pnpm bench: heapmat against V8's writer, JSON.parse, memlab and DevTools' worker, in one run.
// Data (the table, or JSON with --json) on stdout; progress on stderr.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { styleText } from "node:util";
import { parseCli, USAGE, UsageError } from "./args.js";
import { runBench } from "./bench.js";
import { formatReport } from "./report/table.js";

const color = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env.NO_COLOR;

async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`heapmat bench: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = performance.now();
  const log = (message: string) => {
    const at = `${((performance.now() - started) / 1000).toFixed(1)}s`.padStart(7);
    const line = `${at}  ${message}`;
    process.stderr.write(`${color(process.stderr) ? styleText("dim", line) : line}\n`);
  };
  try {
    const report = await runBench({
      scale: options.scale,
      runs: options.runs,
      only: options.only,
      ...(options.cacheDir && { cacheRoot: resolve(options.cacheDir) }),
      ...(options.profile && { profileDir: resolve(options.profile) }),
      log,
    });
    const here = dirname(fileURLToPath(import.meta.url));
    const out = resolve(options.out ?? join(here, "..", "results", `latest-${options.scale}.json`));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    log(`report written to ${out}`);
    process.stdout.write(
      options.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatReport(report, color(process.stdout)),
    );
    return 0;
  } catch (error) {
    process.stderr.write(`heapmat bench: ${(error as Error).message}\n`);
    if (options.debug) process.stderr.write(`${(error as Error).stack}\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));

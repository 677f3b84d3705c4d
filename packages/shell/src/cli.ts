#!/usr/bin/env node
import { createRequire } from "node:module";
import { main } from "./main.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

// A closed pipe (`heapmat f.heapsnapshot find … | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

try {
  process.exitCode = await main(process.argv.slice(2), version);
} catch (error) {
  // A bug, not the user's input: one line, the stack only with --debug. 70 is EX_SOFTWARE.
  process.stderr.write(`internal error: ${(error as Error)?.message ?? error}\n`);
  if (process.argv.includes("--debug")) process.stderr.write(`${(error as Error)?.stack}\n`);
  process.exitCode = 70;
}

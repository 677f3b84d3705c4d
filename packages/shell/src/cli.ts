#!/usr/bin/env node
import { createRequire } from "node:module";
import { main } from "./main.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

// A closed pipe (`heapmat f.heapsnapshot find … | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), version);

// Runs heapmat's command-line tools from the workspace packages the demo depends on: the `bin` each
// package declares, with this Node (no shell shim in between, on any platform).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

function binPath(pkg, name) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifestPath, "utf8"));
  return join(dirname(manifestPath), typeof bin === "string" ? bin : bin[name]);
}

export const TOOLS = {
  "heapmat-leakreport": binPath("@heapmat/leakreport", "heapmat-leakreport"),
  heapmat: binPath("@heapmat/shell", "heapmat"),
};

export class ToolError extends Error {}

/**
 * Runs a tool with this Node. `capture` returns its stdout instead of showing it. A failure throws
 * with the tool's exit code; its stderr has already been shown.
 */
export function runTool(name, args, { capture = false } = {}) {
  const run = spawnSync(process.execPath, [TOOLS[name], ...args], {
    stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw new ToolError(`${name} could not start: ${run.error.message}`);
  if (run.status !== 0) throw new ToolError(`${name} ${args.join(" ")} exited with ${run.status}`);
  return run.stdout;
}

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built binary: tests drive what users run. */
export const CLI = fileURLToPath(new URL("../dist/cli.mjs", import.meta.url));
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first`);

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `heapmat ARGS…` to the end, with optional stdin (script mode). */
export function heapmat(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Run {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    input: input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Same, without blocking the test's event loop (for the long `find` of the Ctrl-C test). */
export function heapmatAsync(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
}

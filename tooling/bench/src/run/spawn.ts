import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// One measurement = one fresh Node process. The harness times it from spawn to exit (wall time,
// start-up included, as a user would see it); the process reports the rest in its result file.

export interface ChildRun {
  wallMs: number;
  /** The child's result, or the reason it has none. */
  result: Record<string, unknown>;
  stdout?: string;
}

export interface ChildSpec {
  /** Script to run, or a command's JS entry point when `preload` measures it from outside. */
  script: string;
  args: string[];
  nodeFlags?: string[];
  /** Passes `--result <file>` to a harness child; otherwise expects a peak-at-exit preload. */
  resultFlag?: boolean;
  /** A preload that reports peak RSS for scripts that don't write results (see peak-at-exit.ts). */
  preload?: string;
  /** Exit codes that count as success (a leak report exits 1 when it finds leaks). */
  okCodes?: number[];
  /** Keep the child's stdout (a command's own report) in `ChildRun.stdout`. */
  captureStdout?: boolean;
}

/**
 * Runs the child; when a workspace package it loads is missing, which happens while that package is
 * being rebuilt in a shared checkout, waits and runs it again (a few times at most).
 */
export async function runChild(spec: ChildSpec): Promise<ChildRun> {
  for (let attempt = 1; ; attempt++) {
    const run = await runChildOnce(spec);
    const failed = run.result.failed;
    const rebuilding =
      typeof failed === "string" && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(failed);
    if (!rebuilding || attempt === 4) return run;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
}

async function runChildOnce(spec: ChildSpec): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-bench-run-"));
  const resultFile = join(dir, "result.json");
  const args = [
    ...(spec.nodeFlags ?? []),
    ...(spec.preload ? ["--import", spec.preload] : []),
    spec.script,
    ...spec.args,
    ...(spec.resultFlag === false ? [] : ["--result", resultFile]),
  ];
  const env = { ...process.env, HEAPMAT_BENCH_PEAK_FILE: resultFile };
  try {
    const start = performance.now();
    const { code, signal, stderr, stdout } = await new Promise<{
      code: number | null;
      signal: string | null;
      stderr: string;
      stdout: string;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env,
        stdio: ["ignore", spec.captureStdout ? "pipe" : "ignore", "pipe"],
      });
      let stderr = "";
      const stdout: Buffer[] = [];
      child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.on("error", reject);
      child.on("close", (code, signal) =>
        resolve({ code, signal, stderr, stdout: Buffer.concat(stdout).toString() }),
      );
    });
    const wallMs = performance.now() - start;
    const ok = code !== null && (spec.okCodes ?? [0]).includes(code);
    if (!ok || !existsSync(resultFile)) {
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      return { wallMs, result: { failed: `${why}: ${lastLines(stderr)}` } };
    }
    const result = JSON.parse(readFileSync(resultFile, "utf8"));
    return { wallMs, result, ...(spec.captureStdout && { stdout }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error line of a child's stderr (not the stack), or its last lines. */
function lastLines(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("at ") && !line.startsWith("Node.js v"));
  const error = lines.findLast((line) => /^(\w+Error|Error)\b/.test(line));
  return error ?? (lines.slice(-2).join(" | ") || "no output");
}

import { spawn } from "node:child_process";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";

export const PROGRAMS_DIR = join(import.meta.dirname, "programs");

export interface ProgramRun {
  program: string;
  /** Dumps in time order. */
  files: string[];
  /** The harness's memory samples, one NDJSON line per dump. */
  stats: string;
}

export interface RunRequest {
  program: string;
  /** Folder name under the output folder; defaults to the program's name. */
  name?: string;
  /** Node flags, such as --track-heap-objects for allocation stacks. */
  execArgv?: string[];
  dumps?: number;
  /** heapsnapshot (default), hmat (heapmat's dumper) or mixed. */
  format?: "heapsnapshot" | "hmat" | "mixed";
  /** Track allocations with heapmat's dumper from the start (hmat and mixed only). */
  track?: boolean;
}

/** Runs leaking programs as real child processes, a few at a time, each dumping once per iteration. */
export async function runPrograms(
  outDir: string,
  requests: RunRequest[],
): Promise<Record<string, ProgramRun>> {
  const results: Record<string, ProgramRun> = {};
  const queue = [...requests];
  const workers = Array.from(
    { length: Math.min(4, Math.max(2, availableParallelism())) },
    async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        const name = request.name ?? request.program;
        results[name] = await runProgram(join(outDir, name), request);
      }
    },
  );
  await Promise.all(workers);
  return results;
}

async function runProgram(dir: string, request: RunRequest): Promise<ProgramRun> {
  await mkdir(dir, { recursive: true });
  const script = join(PROGRAMS_DIR, `${request.program}.mjs`);
  const child = spawn(process.execPath, [...(request.execArgv ?? []), script], {
    env: {
      ...process.env,
      LEAK_SUITE_OUT: dir,
      LEAK_SUITE_DUMPS: String(request.dumps ?? 5),
      LEAK_SUITE_FORMAT: request.format ?? "heapsnapshot",
      LEAK_SUITE_TRACK: request.track ? "1" : "0",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${request.program} exited with ${code}: ${stderr}`);
  const files = (await readdir(dir))
    .filter((f) => /^heap-\d+\.(heapsnapshot|hmat)$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
    .map((f) => join(dir, f));
  return {
    program: request.program,
    files,
    stats: await readFile(join(dir, "stats.ndjson"), "utf8"),
  };
}

// dump()'s conversion in a child process: V8's JSON (a file, or chunks written here) goes to a
// niced `node converter-main` that writes the .hmat. Unlike a worker thread, its memory is not the
// host's RSS, and its CPU and GC run below the host's priority.
import { unlinkSync } from "node:fs";
import { constants, setPriority } from "node:os";
import { builtin } from "./builtin.js";
import type { HmatWriterOptions } from "./hmat-writer.js";

export interface ConversionJob {
  /** The .hmat to write. */
  path: string;
  options: HmatWriterOptions;
  /** V8's JSON in a private temporary file, which the converter deletes; else it comes on stdin. */
  json?: string;
}

/**
 * The line the converter writes once the file is complete, just before renaming it to its final
 * name: the host learns of it before anyone can see the file, so a request made on seeing it starts
 * a new dump instead of sharing the one that is ending.
 */
export const FILE_COMPLETE = '{"complete":true}';

/** The converter's last line. */
export type ConversionReply =
  | { done: true; bytes: number; nodes: number; edges: number }
  | { error: string; code?: string };

export interface Converted {
  bytes: number;
  nodes: number;
  edges: number;
}

export interface ConverterProcess {
  /** Why the process ended early (it could not start, or crashed), if it did. */
  failure(): Error | undefined;
  /**
   * Hands the job over; without `json`, V8's JSON follows through write() and end(). Throws if
   * the process has already ended (and removes `json`).
   */
  start(job: ConversionJob): void;
  write(chunk: string): void;
  end(): void;
  /** Gives the dump up (before or after start): no file is left. */
  cancel(): void;
  /** Settles once the process has exited. */
  done: Promise<Converted>;
}

/**
 * No preloads (NODE_OPTIONS may --require/--import the dumper, which would install triggers in
 * the converter, or carry --inspect or --cpu-prof meant for the host), no dumper settings.
 */
function converterEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.HEAPMAT_DUMPER;
  // Electron's binary runs a script as plain Node only when told so.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = "1";
  return env;
}

/**
 * Starts the converter process (the built `script`), which waits for its job. Spawn it before
 * taking the snapshot: the host then blocks twice briefly instead of once for the sum, and the
 * converter's start-up overlaps V8's. `onWritten` runs once the file is complete, before the
 * process has exited (`done`). Throws if the process cannot be spawned.
 */
export function startConverter(script: string, onWritten?: () => void): ConverterProcess {
  const { spawn } = builtin<typeof import("node:child_process")>("child_process");
  const child = spawn(process.execPath, [script], {
    stdio: ["pipe", "pipe", "pipe"],
    env: converterEnv(),
    // Its own process group: a Ctrl-C meant for the host's terminal does not cut the dump short.
    detached: true,
    windowsHide: true,
  });
  // Below the host's priority: on a busy machine the host keeps its CPU, the file comes later.
  if (child.pid !== undefined)
    try {
      setPriority(child.pid, constants.priority.PRIORITY_BELOW_NORMAL);
    } catch {}
  const stdin = child.stdin!;
  stdin.on("error", () => {}); // a converter that died is reported by its exit
  let job: ConversionJob | undefined;
  let failure: Error | undefined;

  let reply = "";
  let lines = "";
  let errors = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    lines += text;
    for (let cut = lines.indexOf("\n"); cut >= 0; cut = lines.indexOf("\n")) {
      const line = lines.slice(0, cut);
      lines = lines.slice(cut + 1);
      if (line === FILE_COMPLETE) onWritten?.();
      else reply = line;
    }
  });
  // Only the end matters: the last words of a converter that crashed.
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    errors = (errors + text).slice(-2000);
  });

  const done = new Promise<Converted>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      failure = error;
      // What a converter that crashed, or never started, could not remove.
      const left = [job?.json, job && child.pid !== undefined && `${job.path}.${child.pid}.tmp`];
      for (const file of left)
        if (file)
          try {
            unlinkSync(file);
          } catch {}
      reject(error);
    };
    child.on("error", fail);
    // Settled two turns later, once the process handle's close callback (the handle holds this
    // ChildProcess) has run in a close phase: a snapshot taken right after does not see it.
    child.on("close", (code, signal) => setImmediate(() => setImmediate(exited, code, signal)));
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      let answer: ConversionReply | undefined;
      try {
        answer = JSON.parse(reply) as ConversionReply;
      } catch {}
      if (answer && "done" in answer) {
        settled = true;
        resolve({ bytes: answer.bytes, nodes: answer.nodes, edges: answer.edges });
      } else if (answer) fail(Object.assign(new Error(answer.error), answer.code && answer));
      else if (!job) fail(new Error("the dump was given up"));
      else {
        // Node ends a crash with its stack and version: the message is the line before those.
        const lines = errors.split("\n").filter((l) => l.trim() && !/^\s+at |^Node\.js v/.test(l));
        const why = lines.pop() ?? "no reason given";
        fail(new Error(`the converter process exited (${signal ?? `code ${code}`}): ${why}`));
      }
    };
  });
  done.catch(() => {}); // the caller may give up before awaiting it

  return {
    failure: () => failure,
    start(given) {
      if (failure) {
        if (given.json)
          try {
            unlinkSync(given.json);
          } catch {}
        throw failure;
      }
      job = given;
      stdin.write(`${JSON.stringify(given)}\n`);
      if (given.json) stdin.end();
    },
    write: (chunk) => stdin.write(chunk),
    end: () => stdin.end(),
    cancel: () => child.kill(),
    done,
  };
}

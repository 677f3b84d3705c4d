// dump() and dumpSync(): take V8's snapshot and write it as .hmat. The async path hands V8's
// JSON (a temporary file, or the inspector's chunks) to a niced converter process (or a worker
// thread), which parses, compresses and writes it: the host is blocked only for V8's own
// snapshot, and its peak RSS is V8's writer's.
import { closeSync, existsSync, openSync, readSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as v8 from "node:v8";
import { builtin } from "./builtin.js";
import { SnapshotConverter } from "./convert.js";
import { startConverter } from "./convert-process.js";
import type { HmatWriterOptions } from "./hmat-writer.js";
import { checkMemory } from "./memory.js";
import { heapProfiler, isTrackingAllocations } from "./profiler.js";
import { nextFileName, settings } from "./settings.js";
import { VERSION } from "./version.js";

export interface DumpOptions {
  /** Why: recorded in the file (`api` unless given). */
  reason?: string;
  /**
   * A free-form label recorded in the file, or a function called at dump time that returns it
   * (if it throws, the dump goes on without a label and the error is reported on stderr).
   */
  label?: string | (() => string);
  /**
   * Leave out string contents (lengths only) and the command line's arguments. V8's JSON then
   * never touches the disk: `via` defaults to `inspector`.
   */
  redact?: boolean;
  /** Keep at most this many characters of each string. */
  maxString?: number;
  /** Dump even when the memory guard says it may not fit. */
  force?: boolean;
  /** Convert off the host's thread (default true; dumpSync never does). */
  worker?: boolean;
  /**
   * Where: `process` (default), a niced child process whose memory and CPU are not the host's;
   * `thread`, a worker thread (the default in single executable applications, where
   * `process.execPath` is the application itself).
   */
  converter?: "process" | "thread";
  /** zlib level 1..9 (default 6). */
  level?: number;
  /**
   * How V8's snapshot reaches the converter. `file` (default): V8's own writer puts its JSON in a
   * private temporary file beside the target, which the converter reads and deletes; the host's
   * pause is V8's writer's, at the cost of transient disk space (~35x the .hmat). `inspector`:
   * streamed from the inspector in ~100 KB chunks, no temporary file, but the inspector's
   * protocol wrapping made the pause about 2x V8's writer's in our measurements (README).
   */
  via?: "inspector" | "file";
}

export interface DumpResult {
  path: string;
  bytes: number;
  nodes: number;
  edges: number;
  /** How long the host's event loop was blocked. */
  blockedMs: number;
  /** From the call to the file being complete. */
  totalMs: number;
}

const processStart = Date.now() - process.uptime() * 1000;

/** The `info` record of FORMAT.md. */
function processInfo(options: DumpOptions, redact: boolean): Record<string, unknown> {
  const heapSpaceStatistics = v8.getHeapSpaceStatistics();
  const heapSpaces: Record<string, number> = {};
  for (const space of heapSpaceStatistics) heapSpaces[space.space_name] = space.space_used_size;
  return {
    producer: `@heapmat/dumper ${VERSION}`,
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    pid: process.pid,
    hostname: hostname(),
    platform: process.platform,
    arch: process.arch,
    // Arguments may carry secrets (--password=...): redact keeps the program and script only.
    argv: redact ? process.argv.slice(0, 2) : process.argv,
    execArgv: redact ? [] : process.execArgv,
    startTime: Math.round(processStart),
    dumpTime: Date.now(),
    uptime: process.uptime(),
    memoryUsage: { ...process.memoryUsage() },
    heapStatistics: { ...v8.getHeapStatistics() },
    heapSpaces,
    heapSpaceStatistics,
    reason: options.reason ?? "api",
    label: labelText(options.label ?? settings.label),
    trackAllocations: isTrackingAllocations() || undefined,
    dumperDir: codeDir(),
  };
}

/** The folder of the dumper's own code: leak reports leave what hangs only from it out. */
function codeDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

/** The label's text; a label function that throws is reported and the dump goes on. */
function labelText(label: string | (() => string) | undefined): string | undefined {
  if (typeof label !== "function") return label;
  try {
    const text = label();
    return text === undefined || text === null ? undefined : String(text);
  } catch (error) {
    warn(`the label function threw (${messageOf(error)}); dumping without a label`);
    return undefined;
  }
}

/** Runs the onDump hook; what it throws or rejects with is reported, never passed on. */
function notify(result: DumpResult): void {
  const hook = settings.onDump;
  if (!hook) return;
  const failed = (error: unknown) => warn(`the onDump hook failed: ${messageOf(error)}`);
  try {
    const returned = hook(result) as { then?: unknown } | undefined;
    if (returned && typeof returned.then === "function")
      (returned as Promise<unknown>).then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}

const messageOf = (error: unknown) => {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "an unprintable value";
  }
};

function warn(message: string): void {
  try {
    process.stderr.write(`heapmat-dumper: ${message}\n`);
  } catch {}
}

function writerOptions(options: DumpOptions): HmatWriterOptions {
  const redact = options.redact ?? settings.redact;
  const maxString = options.maxString ?? settings.maxString;
  return {
    info: processInfo(options, redact),
    ...(redact && { redact }),
    ...(maxString !== undefined && { maxString }),
    ...(options.level !== undefined && { level: options.level }),
  };
}

function prepare(path: string | undefined, options: DumpOptions): string {
  if (!(options.force ?? settings.force)) {
    const memory = checkMemory();
    if (!memory.ok) throw new Error(memory.message);
  }
  return path === undefined ? nextFileName() : resolve(path);
}

/**
 * Up to Node 21 the inspector hands over V8's snapshot inside post(); from Node 22, V8 takes it
 * in a task of its own (so no stack pins objects) and the chunks arrive after post() returns.
 */
const INSPECTOR_IS_SYNCHRONOUS = Number(process.versions.node.split(".")[0]) < 22;

/** V8's snapshot, chunk by chunk; resolves once the last chunk was delivered. */
function takeSnapshot(onChunk: (chunk: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const session = heapProfiler();
    const listener = (message: { params: { chunk: string } }) => onChunk(message.params.chunk);
    session.on("HeapProfiler.addHeapSnapshotChunk", listener);
    session.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, (error) => {
      session.removeListener("HeapProfiler.addHeapSnapshotChunk", listener);
      if (error) reject(error);
      else resolvePromise();
    });
  });
}

/** V8's snapshot, chunk by chunk, before returning. `scratch` may hold V8's JSON meanwhile. */
function takeSnapshotSync(onChunk: (chunk: string) => void, scratch: string): void {
  if (INSPECTOR_IS_SYNCHRONOUS) {
    const session = heapProfiler();
    const listener = (message: { params: { chunk: string } }) => onChunk(message.params.chunk);
    session.on("HeapProfiler.addHeapSnapshotChunk", listener);
    let answered = false;
    let failure: Error | null = null;
    try {
      session.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, (error) => {
        answered = true;
        failure = error;
      });
    } finally {
      session.removeListener("HeapProfiler.addHeapSnapshotChunk", listener);
    }
    if (failure) throw failure;
    if (answered) return;
    throw new Error("the inspector did not hand over the snapshot synchronously");
  }
  // V8's own synchronous writer, to a private temporary file, read back in chunks.
  const json = scratch;
  closeSync(openSync(json, "wx", 0o600));
  try {
    v8.writeHeapSnapshot(json);
    const fd = openSync(json, "r");
    try {
      const decoder = new (builtin<typeof import("node:string_decoder")>(
        "string_decoder",
      ).StringDecoder)("utf8");
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        onChunk(decoder.write(buffer.subarray(0, n)));
      }
      const rest = decoder.end();
      if (rest) onChunk(rest);
    } finally {
      closeSync(fd);
    }
  } finally {
    try {
      unlinkSync(json);
    } catch {}
  }
}

const reported = new WeakSet<Error>();

/** Reports a failure on stderr, once per error. */
function report(path: string | undefined, error: unknown): Error {
  const err = error instanceof Error ? error : new Error(String(error));
  if (reported.has(err)) return err;
  reported.add(err);
  const where = path ? ` to ${path}` : "";
  try {
    process.stderr.write(`heapmat-dumper: dump${where} failed: ${err.message}\n`);
  } catch {}
  return err;
}

/** Dumps the heap synchronously, on this thread (for exit paths). Throws on failure. */
export function dumpSync(path?: string, options: DumpOptions = {}): DumpResult {
  const result = dumpNow(path, options);
  notify(result);
  return result;
}

function dumpNow(path: string | undefined, options: DumpOptions): DumpResult {
  const start = performance.now();
  let target: string | undefined;
  try {
    target = prepare(path, options);
    const converter = new SnapshotConverter(target, writerOptions(options));
    let failure: unknown = null;
    try {
      const scratch = `${target}.${process.pid}.heapsnapshot.tmp`;
      takeSnapshotSync((chunk) => {
        if (failure) return;
        try {
          converter.write(chunk);
        } catch (error) {
          failure = error;
        }
      }, scratch);
    } catch (error) {
      converter.abort();
      throw error;
    }
    if (failure) throw failure;
    const totals = converter.finish();
    const ms = performance.now() - start;
    return { path: target, ...pick(totals), blockedMs: ms, totalMs: ms };
  } catch (error) {
    throw report(target, error);
  }
}

const pick = (t: { bytes: number; nodes: number; edges: number }) => ({
  bytes: t.bytes,
  nodes: t.nodes,
  edges: t.edges,
});

let inflight: Promise<DumpResult> | undefined;

/**
 * Dumps the heap to `path` (default: the configured pattern). Requests made while a dump is
 * running (until its file is complete) share it. Failures are reported once on stderr and reject
 * the promise; a caller that ignores the promise does not get an unhandled rejection.
 */
export function dump(path?: string, options: DumpOptions = {}): Promise<DumpResult> {
  if (inflight) return inflight;
  // The file is complete before the worker is gone (when the promise settles): a new request
  // may start another dump meanwhile.
  const written = () => {
    if (inflight === run) inflight = undefined;
  };
  const run = dumpAsync(path, options, written)
    .then((result) => {
      notify(result);
      return result;
    })
    .finally(written);
  run.catch(() => {});
  inflight = run;
  return run;
}

async function dumpAsync(
  path: string | undefined,
  options: DumpOptions,
  written: () => void,
): Promise<DumpResult> {
  const start = performance.now();
  let target: string | undefined;
  try {
    target = prepare(path, options);
    const redact = options.redact ?? settings.redact;
    const viaFile = (options.via ?? (redact ? "inspector" : "file")) === "file";
    const where = options.converter ?? (isSingleExecutable() ? "thread" : "process");
    const entry = where === "process" ? "converter-main" : "worker";
    const script = options.worker === false ? null : builtFile(entry);
    if (!script) return dumpNow(target, { ...options, force: true });
    const writer = writerOptions(options);
    if (where === "process")
      return await dumpInProcess(script, target, writer, start, viaFile, written);
    return await dumpInWorker(script, target, writer, start, viaFile, written);
  } catch (error) {
    throw report(target, error);
  }
}

/** An entry's built file beside this one, or null when running from sources. */
function builtFile(entry: "converter-main" | "worker"): string | null {
  try {
    const here = fileURLToPath(import.meta.url);
    const file = join(dirname(here), `${entry}${here.endsWith(".cjs") ? ".cjs" : ".mjs"}`);
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** In a single executable application, `process.execPath script` would start the app again. */
function isSingleExecutable(): boolean {
  try {
    const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    return (load?.("node:sea") as { isSea?: () => boolean } | undefined)?.isSea?.() === true;
  } catch {
    return false;
  }
}

const nextTurn = () => new Promise<void>((resolvePromise) => setImmediate(resolvePromise));

/**
 * Via a file, the converter is spawned after V8's snapshot, in a turn of its own: the host blocks
 * twice (V8's writer, then the spawn's fork) rather than once for the sum, and neither the
 * ChildProcess nor node:child_process is in the snapshot or adds to the host's peak RSS. Streamed
 * from the inspector, the converter must be there first.
 */
async function dumpInProcess(
  script: string,
  path: string,
  options: HmatWriterOptions,
  start: number,
  viaFile: boolean,
  written: () => void,
): Promise<DumpResult> {
  let before = performance.now();
  let blockedMs = 0;
  let converter: ReturnType<typeof startConverter>;
  if (viaFile) {
    const json = `${path}.${process.pid}.heapsnapshot.tmp`;
    try {
      closeSync(openSync(json, "wx", 0o600));
      v8.writeHeapSnapshot(json);
      blockedMs = performance.now() - before;
      await nextTurn();
      before = performance.now();
      converter = startConverter(script, written);
    } catch (error) {
      try {
        unlinkSync(json);
      } catch {}
      throw error;
    }
    converter.start({ path, options, json });
    blockedMs += performance.now() - before;
  } else {
    converter = startConverter(script, written);
    try {
      converter.start({ path, options });
      blockedMs = performance.now() - before;
      await nextTurn();
      const failure = converter.failure(); // e.g. spawn's EAGAIN: no snapshot for nothing
      if (failure) throw failure;
      before = performance.now();
      // Streamed: the unredacted JSON never touches the disk. Blocked up to the last chunk (an
      // upper bound from Node 22, where chunks come after post() returns).
      await takeSnapshot((chunk) => converter.write(chunk));
      blockedMs += performance.now() - before;
      converter.end();
    } catch (error) {
      converter.cancel();
      throw error;
    }
  }
  const totals = await converter.done;
  return { path, ...pick(totals), blockedMs, totalMs: performance.now() - start };
}

type WorkerReply =
  | { ready: true }
  | { done: true; bytes: number; nodes: number; edges: number }
  | { error: string };

function dumpInWorker(
  file: string,
  path: string,
  options: HmatWriterOptions,
  start: number,
  viaFile: boolean,
  written: () => void,
): Promise<DumpResult> {
  return new Promise((resolvePromise, reject) => {
    let json: string | undefined;
    let blockedMs = 0;
    if (viaFile) {
      json = `${path}.${process.pid}.heapsnapshot.tmp`;
      const before = performance.now();
      try {
        closeSync(openSync(json, "wx", 0o600));
        v8.writeHeapSnapshot(json);
      } catch (error) {
        try {
          unlinkSync(json);
        } catch {}
        reject(error);
        return;
      }
      blockedMs = performance.now() - before;
    }
    // No preloads in our worker: it must not install triggers of its own.
    const { Worker } = builtin<typeof import("node:worker_threads")>("worker_threads");
    const worker = new Worker(file, { workerData: { path, options, json }, execArgv: [] });
    let settled = false;
    let done: DumpResult | undefined;
    const settle = (error: Error | null, result?: DumpResult) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolvePromise(result!);
    };
    worker.on("message", (reply: WorkerReply) => {
      if ("ready" in reply) {
        if (json) return; // the worker reads the file by itself
        const before = performance.now();
        takeSnapshot((chunk) => worker.postMessage(chunk)).then(
          () => {
            // Up to the last chunk: V8's pause plus the copies (an upper bound from Node 22).
            blockedMs = performance.now() - before;
            worker.postMessage(null);
          },
          (error: Error) => {
            worker.terminate();
            settle(error);
          },
        );
      } else if ("done" in reply) {
        done = { path, ...pick(reply), blockedMs, totalMs: performance.now() - start };
        written();
      } else settle(new Error(reply.error));
    });
    worker.on("error", (error) => settle(error));
    // Settled once the thread is gone, from a clean stack: until then the Worker and these
    // closures (over the options and the promise) stay reachable, and a dump taken right after
    // would show them as a leak.
    worker.on("exit", (code) =>
      setImmediate(() =>
        settle(done ? null : new Error(`the dump worker exited with code ${code}`), done),
      ),
    );
  });
}

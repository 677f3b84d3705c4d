// Preload entry: `node --import @heapmat/dumper/register app.mjs` or `--require`.
// Configured by HEAPMAT_DUMPER; see README.md. Never throws into the host.
import * as v8 from "node:v8";
import { isMainThread } from "node:worker_threads";
import { dump, dumpSync } from "./dump.js";
import { type DumperOptions, parseOptions, type Trigger } from "./options.js";
import { trackAllocations } from "./profiler.js";
import { configure } from "./settings.js";
import { watch } from "./stats.js";

const warn = (message: string) => {
  try {
    process.stderr.write(`heapmat-dumper: ${message}\n`);
  } catch {}
};

interface State {
  /** An uncaught exception or an early exit dump already wrote the last dump. */
  done: boolean;
  exitDump: boolean;
}

function exitDump(state: State): void {
  if (state.done) return;
  state.done = true;
  try {
    dumpSync(undefined, { reason: "exit" });
  } catch {}
}

function install(trigger: Trigger, state: State): void {
  switch (trigger.kind) {
    case "signal":
      // The handler stays installed: every signal gives a dump (concurrent ones coalesce).
      process.on(trigger.signal, () => {
        dump(undefined, { reason: `signal:${trigger.signal}` }).catch(() => {});
      });
      break;
    case "interval":
      setInterval(() => {
        dump(undefined, { reason: "interval" }).catch(() => {});
      }, trigger.ms).unref();
      break;
    case "exit":
      state.exitDump = true;
      process.on("exit", () => exitDump(state));
      break;
    case "uncaught":
      // The monitor runs before Node's default handling, which then crashes as usual.
      process.on("uncaughtExceptionMonitor", () => {
        if (state.done) return;
        state.done = true;
        try {
          dumpSync(undefined, { reason: "uncaught" });
        } catch {}
      });
      break;
    case "near_oom": {
      // V8 writes its own .heapsnapshot (Heap.*.heapsnapshot in the cwd) near the heap limit:
      // nothing can run JS at that point. Convert it with `heapmat-dump convert`.
      const near = (v8 as { setHeapSnapshotNearHeapLimit?: (limit: number) => void })
        .setHeapSnapshotNearHeapLimit;
      if (near) near(1);
      else warn(`dump_at=near_oom needs Node >= 18.10; ignored`);
      break;
    }
  }
}

function register(options: DumperOptions): void {
  configure({
    ...(options.file !== undefined && { file: options.file }),
    ...(options.redact && { redact: true }),
    ...(options.maxString !== undefined && { maxString: options.maxString }),
    ...(options.every !== undefined && { every: options.every }),
    ...(options.label !== undefined && { label: options.label }),
    ...(options.force && { force: true }),
  });
  const state: State = { done: false, exitDump: false };
  for (const trigger of options.triggers) install(trigger, state);
  // When tracking must stop for the process to exit, take the exit dump first, with the stacks.
  if (options.trackAllocations) trackAllocations(() => state.exitDump && exitDump(state));
  if (options.stats) {
    watch({
      path: options.stats,
      ...(options.statsInterval !== undefined && { interval: options.statsInterval }),
    });
  }
}

// Preloads also run in worker threads (ours included): only the main thread installs triggers.
if (isMainThread) start();

function start(): void {
  try {
    const { options, warnings } = parseOptions(process.env.HEAPMAT_DUMPER ?? "");
    for (const w of warnings) warn(`HEAPMAT_DUMPER: ${w}`);
    register(options);
  } catch (error) {
    warn(`could not start: ${(error as Error).message}`);
  }
}

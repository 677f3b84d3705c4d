// One inspector session for the life of the process. Never disconnected while dumps may follow:
// disabling the heap profiler resets V8's object ids, and ids must stay stable across dumps.
import type { Session } from "node:inspector";
import { builtin } from "./builtin.js";

let session: Session | undefined;
let tracking = false;

export function heapProfiler(): Session {
  if (!session) {
    session = new (builtin<typeof import("node:inspector")>("inspector").Session)();
    session.connect();
  }
  return session;
}

/** `node --track-heap-objects` makes V8 record allocation stacks from start-up by itself. */
function trackedByNode(): boolean {
  const flag = "--track-heap-objects";
  return process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? "").includes(flag);
}

/**
 * Records the JS stack of every allocation from now on, so later dumps carry trace ids, the
 * allocation trace tree and function infos. Costs CPU and memory for as long as it runs.
 *
 * The inspector's tracking timer would keep the process alive forever, so once nothing else
 * keeps the event loop alive, `beforeStop` runs (the exit dump) and tracking stops.
 */
export function trackAllocations(beforeStop?: () => void): void {
  if (tracking) return;
  tracking = true;
  if (trackedByNode()) return;
  const s = heapProfiler();
  s.post("HeapProfiler.enable");
  s.post("HeapProfiler.startTrackingHeapObjects", { trackAllocations: true });
  const activeResources = (process as { getActiveResourcesInfo?: () => string[] })
    .getActiveResourcesInfo;
  if (!activeResources) return;
  let idleChecks = 0;
  const timer = setInterval(() => {
    idleChecks = activeResources().length === 0 ? idleChecks + 1 : 0;
    if (idleChecks < 2) return;
    clearInterval(timer);
    try {
      beforeStop?.();
    } finally {
      // Stops tracking and its timer; the ids reset, which no longer matters at exit.
      s.post("HeapProfiler.disable");
      tracking = false;
    }
  }, 250);
  timer.unref();
}

export function isTrackingAllocations(): boolean {
  return tracking;
}

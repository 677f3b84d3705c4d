// One inspector session for the life of the process. Never disconnected: disabling the heap
// profiler would reset V8's object ids, and ids must stay stable across dumps to compare them.
import { Session } from "node:inspector";

let session: Session | undefined;
let tracking = false;

export function heapProfiler(): Session {
  if (!session) {
    session = new Session();
    session.connect();
  }
  return session;
}

/**
 * Records the JS stack of every allocation from now on, so later dumps carry trace ids, the
 * allocation trace tree and function infos. Costs CPU and memory for as long as it runs.
 */
export function trackAllocations(): void {
  if (tracking) return;
  const s = heapProfiler();
  s.post("HeapProfiler.enable");
  s.post("HeapProfiler.startTrackingHeapObjects", { trackAllocations: true });
  tracking = true;
}

export function isTrackingAllocations(): boolean {
  return tracking;
}

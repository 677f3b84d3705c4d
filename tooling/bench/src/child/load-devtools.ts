// Loads and fully indexes one .heapsnapshot with Chrome DevTools' own heap snapshot worker code
// (chrome-devtools-frontend, bundled in at build time): its loader parses the JSON as it streams in,
// then JSHeapSnapshot builds retainers, distances, dominators and retained sizes, with part of the
// work on a second thread as in DevTools (there a second worker, here a worker_thread).
import { createReadStream } from "node:fs";
import { isMainThread, MessageChannel, Worker, workerData } from "node:worker_threads";
import { SecondaryInitManager } from "devtools-heap-snapshot";
import { HeapSnapshotLoader } from "devtools-heap-snapshot-loader";
import { childOptions, guarded, required } from "../run/child-io.js";

// DevTools targets current Chrome; Node 20 lacks this one.
const promises = Promise as { withResolvers?: unknown };
promises.withResolvers ??= <T>() => {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
};

if (isMainThread) await main();
else new SecondaryInitManager(workerData.port);

async function main() {
  const options = childOptions(["tool", "file"]);
  const file = required(options, "file");
  const phases: Record<string, number> = {};
  await guarded(options, async () => {
    const start = performance.now();
    // DevTools reports progress through its dispatcher; nobody listens here.
    const loader = new HeapSnapshotLoader({ sendEvent() {} });
    for await (const chunk of createReadStream(file, {
      encoding: "utf8",
      highWaterMark: 1 << 20,
    })) {
      loader.write(chunk as string);
    }
    loader.close();
    await loader.parsingComplete;
    phases.parse = performance.now() - start;
    const { port1, port2 } = new MessageChannel();
    const second = new Worker(new URL(import.meta.url), {
      workerData: { port: port2 },
      transferList: [port2],
    });
    const indexing = performance.now();
    const snapshot = await loader.buildSnapshot(port1);
    phases.index = performance.now() - indexing;
    await second.terminate();
    return {
      nodes: snapshot.nodeCount,
      edges: snapshot.containmentEdges.length / snapshot.edgeFieldsCount,
      rootRetainedSize: snapshot.rootNode().retainedSize(),
      phases,
      peakRss: process.resourceUsage().maxRSS * 1024,
    };
  });
}

// The fuzz worker: makes each case it is sent and runs it; the main thread owns the clock and
// ends this worker when a case takes too long.

import { parentPort, workerData } from "node:worker_threads";
import { installAllocationBudget } from "./alloc-cap.js";
import { makeCase } from "./mutate.js";
import { runCase } from "./run-case.js";
import type { Seed } from "./seeds.js";

installAllocationBudget();
const { seeds, campaign } = workerData as { seeds: Seed[]; campaign: number };

parentPort!.on("message", async (index: number) => {
  const c = makeCase(seeds, campaign, index);
  const result = await runCase(c);
  const { rss, arrayBuffers } = process.memoryUsage();
  parentPort!.postMessage({ index, size: c.bytes.length, ...result, rss, arrayBuffers });
});

parentPort!.postMessage("ready");

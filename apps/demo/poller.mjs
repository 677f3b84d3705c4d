// The demo's long-running program: every few hundred milliseconds it polls a set of sites and keeps
// a bounded window of results. All of it is well-behaved churn, except what the client library
// forgets to drop. It only knows heapmat through one line: tick() once per iteration.
import { setTimeout as sleep } from "node:timers/promises";
import { tick } from "@heapmat/dumper";
import { Connection } from "./lib/client.mjs";

const sites = Array.from({ length: 12 }, (_, i) => `site-${i + 1}.example`);
const iterations = Number(process.env.DEMO_ITERATIONS ?? 8);
const pauseMs = Number(process.env.DEMO_PAUSE_MS ?? 300);
const recent = [];

/** Polls every site a few times; returns how many answers were good. */
function pollOnce() {
  let good = 0;
  for (const site of sites) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const connection = new Connection(site);
      connection.open();
      const response = connection.fetch();
      if (response.ok) good++;
      recent.push({ site, ok: response.ok, bytes: response.body.length });
      if (recent.length > 50) recent.shift();
      connection.close();
    }
  }
  return good;
}

for (let i = 1; i <= iterations; i++) {
  const good = pollOnce();
  console.log(`poll ${i}: ${good} good answers from ${sites.length} sites`);
  // One dump per call (HEAPMAT_DUMPER every=N keeps one in N), named by its file= pattern.
  await tick();
  await sleep(pauseMs);
}

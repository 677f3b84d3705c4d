// The demo's long-running program: polls a few sites each iteration and keeps a bounded window of
// results. All of it is well-behaved churn, except what the client library forgets to drop.
import { tick } from "@heapmat/dumper";
import { Connection } from "./lib/client.mjs";

const sites = ["alpha.example", "beta.example", "gamma.example"];
const iterations = Number(process.env.DEMO_ITERATIONS ?? 8);
const recent = [];

function pollOnce() {
  for (const site of sites) {
    const connection = new Connection(site);
    connection.open();
    const response = connection.fetch();
    recent.push({ site, ok: response.ok, bytes: response.body.length });
    if (recent.length > 20) recent.shift();
    connection.close();
  }
}

for (let i = 1; i <= iterations; i++) {
  pollOnce();
  await tick();
}

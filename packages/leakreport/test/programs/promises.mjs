// Jobs wait for a worker slot that is never released: each waits on a promise parked forever, and
// the queue of waiters grows.
import { churn, run } from "./harness.mjs";

const waiters = [];
let freeSlots = 2;

function acquireSlot(job) {
  if (freeSlots > 0) {
    freeSlots--;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiters.push({ resolve, job }));
}

async function processJob(job) {
  await acquireSlot(job);
  job.done = true; // the slot is never released: a bug
}

let next = 0;
await run(() => {
  for (let j = 0; j < 30; j++) processJob({ id: next++, payload: { rows: [1, 2, 3] } });
  churn(20);
});

// Each job starts a status poll with setInterval and nobody ever calls clearInterval.
import { churn, run } from "./harness.mjs";

function startJob(jobId) {
  const job = { jobId, attempts: 0, log: [] };
  setInterval(function pollStatus() {
    job.attempts++;
  }, 3_600_000);
  churn(10);
  return job;
}

let next = 0;
await run(() => {
  for (let j = 0; j < 25; j++) startJob(next++);
});

// An audit log kept in memory "for debugging": one string per request, never trimmed.
import { churn, run } from "./harness.mjs";

const auditLog = [];

function handleRequest(method, path, status, ms) {
  auditLog.push(`${new Date().toISOString()} ${method} ${path} -> ${status} in ${ms} ms`);
  churn(10);
}

await run((i) => {
  for (let r = 0; r < 60; r++) handleRequest("GET", `/api/items/${i * 100 + r}`, 200, r % 17);
});

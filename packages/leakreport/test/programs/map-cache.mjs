// A session cache whose eviction checks a flag nothing ever sets: every session stays forever.
import { churn, run } from "./harness.mjs";

class SessionRecord {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.createdAt = Date.now();
    this.roles = ["reader", "writer"];
    this.expired = false;
  }
}

const sessions = new Map();
let nextId = 0;

function handleRequest(user) {
  const id = `sess-${nextId++}`;
  sessions.set(id, new SessionRecord(id, user));
  churn(20);
  return id;
}

function evictExpired() {
  for (const [id, record] of sessions) if (record.expired) sessions.delete(id);
}

await run(() => {
  for (let r = 0; r < 40; r++) handleRequest(`user-${r % 7}`);
  evictExpired();
});

// No leak: a fixed pool of connections; each iteration replaces a few slots, spread over the pool,
// so some replacements live through every later dump while the pool never grows.
import { churn, run } from "./harness.mjs";

class PooledConnection {
  constructor(slot, generation) {
    this.slot = slot;
    this.generation = generation;
    this.lastUsed = Date.now();
  }
}

const pool = Array.from({ length: 300 }, (_, slot) => new PooledConnection(slot, 0));

await run((i) => {
  for (let k = 0; k < 60; k++) {
    const slot = (k * 97 + i * 13) % pool.length;
    pool[slot] = new PooledConnection(slot, i + 1);
  }
  churn(20);
});

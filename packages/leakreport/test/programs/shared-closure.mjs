// The classic shared closure context leak: `unused` never runs, but it shares the context of
// `logUsage` and keeps `previous` alive, so every Thing holds the one before it, forever.
import { churn, run } from "./harness.mjs";

class Thing {
  constructor(payload) {
    this.payload = payload;
  }
}

let current = null;

function replaceThing() {
  const previous = current;
  const unused = () => {
    if (previous) return "hi";
  };
  unused.length;
  current = new Thing("x".repeat(20_000));
  current.logUsage = function logUsage() {
    return current.payload.length;
  };
}

await run(() => {
  for (let k = 0; k < 3; k++) replaceThing();
  churn(50);
});

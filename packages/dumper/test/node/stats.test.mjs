// Runs under node:test on Node 18+ against the built package, in both module systems.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { stats } from "@heapmat/dumper";

const require = createRequire(import.meta.url);

test("ESM build samples memory", () => {
  const sample = stats();
  assert.ok(sample.heapUsed > 0);
  assert.ok("old_space" in sample.spaces);
});

test("CJS build loads with require() and samples memory", () => {
  const { stats: statsCjs } = require("@heapmat/dumper");
  assert.equal(typeof statsCjs().rss, "number");
});

import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { expect, inject, it } from "vitest";
import { heapmat } from "./run.js";

const { dir, first } = inject("snapshots");

it("caches the indexes next to the snapshot, and the next start reads them", () => {
  const copy = join(dir, "cached.heapsnapshot");
  copyFileSync(first, copy);
  const before = JSON.parse(heapmat([copy, "summary", "--json"]).stdout);
  expect(before.indexes).toBe("not yet computed");
  const cold = heapmat([copy, "largest", "3", "--json"]);
  expect(cold.code).toBe(0);
  expect(existsSync(`${copy}.hmidx`)).toBe(true);
  const after = JSON.parse(heapmat([copy, "summary", "--json"]).stdout);
  expect(after.indexes).toBe("cached");
  expect(heapmat([copy, "largest", "3", "--json"]).stdout).toBe(cold.stdout);
});

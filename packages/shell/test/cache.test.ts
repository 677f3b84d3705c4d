import { execFileSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from "node:fs";
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

it("starts from the sidecar alone when it holds the graph: the snapshot is not read again", () => {
  // A snapshot of a few MiB: the cache's key checks its size, times and first and last MiB.
  const big = join(dir, "sidecar-only.heapsnapshot");
  const program = `globalThis.keep = Array.from({ length: 60000 }, (_, i) => "entry " + i);
    require("node:v8").writeHeapSnapshot(${JSON.stringify(big)});`;
  execFileSync(process.execPath, ["-e", program]);
  const then = new Date(Date.now() - 60_000);
  utimesSync(big, then, then); // whole milliseconds, so that restoring it below is exact
  const cold = heapmat([big, "largest", "3", "--json"]);
  expect(cold.code).toBe(0);
  // Break the JSON in the middle, keeping size and times: only a start that never parses the
  // snapshot can still answer, and answer the same.
  const { size } = statSync(big);
  expect(size).toBeGreaterThan(3 << 20);
  const fd = openSync(big, "r+");
  writeSync(fd, Buffer.from('"!'.repeat(2048)), 0, 4096, Math.floor(size / 2));
  closeSync(fd);
  utimesSync(big, then, then);
  const warm = heapmat([big, "largest", "3", "--json"]);
  expect(warm.stderr).toBe("");
  expect(warm.stdout).toBe(cold.stdout);
  rmSync(`${big}.hmidx`);
  expect(heapmat([big, "summary"]).code).toBe(3);
});

it("answers object commands from the sidecar's pages as from the snapshot read whole", () => {
  const file = join(dir, "point-reads.heapsnapshot");
  const program = `const { EventEmitter } = require("node:events");
    class Session { constructor(user) { this.user = user; } }
    globalThis.sessions = new Map(Array.from({ length: 3000 }, (_, i) => ["s" + i, new Session("user " + i)]));
    globalThis.bus = new EventEmitter();
    bus.on("change", function onChange() { return sessions; });
    require("node:v8").writeHeapSnapshot(${JSON.stringify(file)});`;
  execFileSync(process.execPath, ["-e", program]);
  const script = [
    "show global.sessions",
    "outrefs global.bus",
    "inrefs global.sessions",
    "identify global.sessions",
    "identify global.bus._events",
    "outrefs global.bus._events",
    "allocs global.bus",
  ].join("\n");
  const whole = heapmat([file], script);
  expect(whole.code).toBe(0);
  expect(whole.stdout).toContain("closure 'onChange'");
  expect(JSON.parse(heapmat([file, "summary", "--json"]).stdout).indexes).toBe("cached");
  const fromPages = heapmat([file], script);
  expect(fromPages.stderr).toBe("");
  expect(fromPages.stdout).toBe(whole.stdout);
});

it("computes no index for commands that only read objects: elems, allocs", () => {
  const file = join(dir, "no-indexes.heapsnapshot");
  const program = `globalThis.things = { list: [{ a: 1 }, { b: 2 }] };
    require("node:v8").writeHeapSnapshot(${JSON.stringify(file)});`;
  execFileSync(process.execPath, ["-e", program]);
  const run = heapmat([file], "elems global.things.list\nallocs global.things\nsummary --json");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Object");
  expect(run.stdout).toContain('"indexes": "not yet computed"');
  expect(existsSync(`${file}.hmidx`)).toBe(false);
});

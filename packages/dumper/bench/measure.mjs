#!/usr/bin/env node
// Measures the dumper against V8's own writer on one heap, each method in a fresh process:
// event-loop pause, total time, peak RSS (VmHWM) and file size (and gzip -6 of V8's JSON).
//   node bench/measure.mjs [objects=330000]   (after `pnpm build`; ~1M nodes by default)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const [mode, count = "330000", out] = process.argv.slice(2);

if (mode === "child") {
  const { dump, dumpSync } = await import(join(here, "../dist/index.mjs"));
  const v8 = await import("node:v8");
  class Person {
    constructor(i) {
      this.name = `person-${i}`;
      this.tags = [i % 7];
    }
  }
  globalThis.people = Array.from({ length: Number(count) }, (_, i) => new Person(i));
  const kind = process.argv[5];
  // The pause as the event loop sees it: a timer that should fire every 10 ms.
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  await new Promise((r) => setTimeout(r, 50));
  const start = performance.now();
  let result = {};
  if (kind === "v8") v8.writeHeapSnapshot(out);
  else if (kind === "dump") result = await dump(out, { force: true });
  else if (kind === "dumpInspector") result = await dump(out, { force: true, via: "inspector" });
  else result = dumpSync(out, { force: true });
  const totalMs = performance.now() - start;
  await new Promise((r) => setTimeout(r, 50));
  clearInterval(timer);
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
  console.log(JSON.stringify({ kind, totalMs, loopBlockedMs: worst, peakRss: hwm, ...result }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "heapmat-measure-"));
const rows = [];
for (const kind of ["v8", "dump", "dumpInspector", "dumpSync"]) {
  const file = join(dir, kind === "v8" ? "heap.heapsnapshot" : `${kind}.hmat`);
  const run = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "child", count, file, kind],
    {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  const row = JSON.parse(run.stdout);
  row.bytes = statSync(file).size;
  if (kind === "v8") row.gzip6 = gzipSync(readFileSync(file), { level: 6 }).length;
  rows.push(row);
}
rmSync(dir, { recursive: true });
const [v8row] = rows;
console.log(
  `Node ${process.version}, ${count} objects, ${rows[1].nodes} nodes, ${rows[1].edges} edges`,
);
for (const r of rows)
  console.log(
    `${r.kind.padEnd(13)} loop blocked ${Math.round(r.loopBlockedMs)} ms (${(r.loopBlockedMs / v8row.loopBlockedMs).toFixed(2)}x), ` +
      `total ${Math.round(r.totalMs)} ms, peak RSS ${Math.round(r.peakRss / 2 ** 20)} MB (${(r.peakRss / v8row.peakRss).toFixed(2)}x), ` +
      `file ${r.bytes} B` +
      (r.kind === "v8"
        ? `, gzip -6 ${r.gzip6} B`
        : ` (${(r.bytes / v8row.gzip6).toFixed(3)}x gzip -6, ${(r.bytes / r.nodes).toFixed(2)} B/node)`),
  );

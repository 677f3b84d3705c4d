// Measures the streaming .heapsnapshot reader on a real, generated snapshot (not part of CI).
//
//   pnpm --filter @heapmat/analyzer build
//   node packages/analyzer/test/heapsnapshot/measure.mjs --items 400000   # ~1.5M nodes, 128 MB
//   node packages/analyzer/test/heapsnapshot/measure.mjs --items 2000000  # ~7.9M nodes, 667 MB
//   node packages/analyzer/test/heapsnapshot/measure.mjs --file some.heapsnapshot [--ids]
//
// Prints wall and CPU seconds, MB/s, peak RSS, and one byte scan of the same file for scale.
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openSnapshot } from "../../dist/node/index.js";

const { values } = parseArgs({
  options: { items: { type: "string" }, file: { type: "string" }, ids: { type: "boolean" } },
});

let file = values.file;
let dir;
if (!file) {
  dir = mkdtempSync(join(tmpdir(), "heapmat-measure-"));
  file = join(dir, "heap.heapsnapshot");
  const items = Number(values.items ?? 400_000);
  const program = `
    class Person { constructor(i, prev) { this.id = i; this.name = "person-" + i; this.prev = prev;
      this.tags = i % 3 ? null : [i, "t" + (i % 100)]; } }
    globalThis.people = [];
    let prev = null;
    for (let i = 0; i < ${items}; i++) { prev = new Person(i, i % 10 ? prev : null); people.push(prev); }
    globalThis.closures = Array.from({ length: 1000 }, (_, i) => () => i);
    (await import("node:v8")).writeHeapSnapshot(${JSON.stringify(file)});`;
  console.error(`writing a snapshot of ${items} items...`);
  execFileSync(
    process.execPath,
    ["--max-old-space-size=16000", "--input-type=module", "-e", program],
    {
      stdio: "inherit",
    },
  );
}

const size = statSync(file).size;
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage.rss());
};
const timer = setInterval(sample, 20);
const wall = performance.now();
const cpu0 = cpu();
const graph = await openSnapshot(file, { idsOnly: values.ids === true, onProgress: sample });
const seconds = (performance.now() - wall) / 1000;
const cpuSeconds = cpu() - cpu0;
sample();
clearInterval(timer);

// One byte scan of the file, in 64 MiB pieces, as the yardstick.
const scan0 = performance.now();
let commas = 0;
const fd = openSync(file, "r");
const buffer = new Uint8Array(64 << 20);
for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer))
  for (let i = 0; i < n; i++) if (buffer[i] === 44) commas++;
closeSync(fd);
const scanSeconds = (performance.now() - scan0) / 1000;

const mb = size / 1e6;
console.log(
  `${file}: ${mb.toFixed(0)} MB, ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${graph.strings.length} strings` +
    `${values.ids ? " (idsOnly)" : ""}\n` +
    `read: ${seconds.toFixed(2)} s wall (${(mb / seconds).toFixed(0)} MB/s), ${cpuSeconds.toFixed(2)} s CPU, ` +
    `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; one byte scan: ${scanSeconds.toFixed(2)} s (${commas > 0 ? "ok" : "?"})`,
);
if (dir) rmSync(dir, { recursive: true, force: true });

// Measures the index phases on a real V8 snapshot (never a test: speed is for benchmarks).
//   pnpm --filter @heapmat/analyzer build
//   node --max-old-space-size=8192 packages/analyzer/src/graph/testing/measure-indexes.mjs [file.heapsnapshot | --generate ITEMS]
// --generate ITEMS writes a snapshot of about 4 x ITEMS nodes to a temp folder first (a child
// process with a big heap), e.g. --generate 1250000 for about 5M nodes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const dist = new URL("../../../dist/", import.meta.url);
const core = await import(new URL("index.js", dist).href);
const node = await import(new URL("node/index.js", dist).href);

let file = process.argv[2];
let temp;
if (file === "--generate") {
  const items = Number(process.argv[3] ?? 1_250_000);
  temp = mkdtempSync(join(tmpdir(), "heapmat-measure-"));
  file = join(temp, "generated.heapsnapshot");
  const program = `
    class Item { constructor(i) { this.id = i; this.name = "item-" + i; this.tags = [i, i + 1]; } }
    globalThis.items = Array.from({ length: ${items} }, (_, i) => new Item(i));
    require("node:v8").writeHeapSnapshot(${JSON.stringify(file)});`;
  const t = performance.now();
  execFileSync(process.execPath, ["--max-old-space-size=16384", "-e", program], {
    stdio: "inherit",
  });
  console.error(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const rows = [];
// Wall time and CPU time (user + system) per phase: on a busy machine CPU time is the steadier.
const time = async (label, work) => {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  rows.push([label, performance.now() - t, (used.user + used.system) / 1000]);
  return value;
};
const graph = await time("read snapshot", () => node.openSnapshot(file));
const ix = core.indexHeap(graph);
await time("edge strength", () => ix.edgeStrength);
await time("inrefs", () => ix.inrefs);
await time("id lookup (first call)", () => ix.nodeIndexOf(graph.nodeId[graph.nodeCount - 1]));
await time("distances", () => ix.distance);
await time("dominators + retained sizes", () => ix.retainedSize);
await time("histogram", () => core.histogram(ix));
await time("module sizes", () => core.moduleSizes(ix));
const key = await time("cache key", () => node.snapshotCacheKey(file));
const bytes = await time("cache encode", () => core.encodeIndexCache(ix, key));
await time("cache decode", () => core.decodeIndexCache(bytes, graph, key));

console.log(`${file}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges`);
const seconds = (ms) => `${(ms / 1000).toFixed(3)} s`.padStart(9);
console.log(`${"phase".padEnd(30)} ${"wall".padStart(9)} ${"cpu".padStart(9)}`);
for (const [label, ms, cpu] of rows)
  console.log(`${label.padEnd(30)} ${seconds(ms)} ${seconds(cpu)}`);
const indexing = rows.slice(1, 8).reduce((sum, [, ms, cpu]) => [sum[0] + ms, sum[1] + cpu], [0, 0]);
console.log(
  `${"all indexes and views".padEnd(30)} ${seconds(indexing[0])} ${seconds(indexing[1])}`,
);
console.log(
  `load average ${(await import("node:os"))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024 / 1024).toFixed(2)} GiB`);
if (temp) rmSync(temp, { recursive: true, force: true });

// Measures re-opening a snapshot from its sidecar (never a test: speed is for benchmarks).
//   pnpm --filter @heapmat/analyzer build
//   node packages/analyzer/src/cache/testing/measure-reopen.mjs FILE [RUNS]
// Writes FILE's sidecar if it has none, then in RUNS fresh processes (default 3): openIndexed,
// then `identify` (rendered, as the shell prints it) of 100 random reachable nodes, the bench's.
// Prints per run: the open, the open plus the first identify (so the columns read on first use
// are counted), all 100, and the root's retained size.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";

// MEASURE_DIST: another build's folder (e.g. one that others' builds do not replace meanwhile).
const dist = process.env.MEASURE_DIST
  ? new URL(`file://${process.env.MEASURE_DIST.replace(/\/?$/, "/")}`)
  : new URL("../../../dist/", import.meta.url);
const [file, runsArg] = process.argv.slice(2);

if (process.env.MEASURE_REOPEN_CHILD) {
  const core = await import(new URL("index.js", dist).href);
  const node = await import(new URL("node/index.js", dist).href);
  const start = performance.now();
  const { graph, indexes, cache } = await node.openIndexed(file);
  const opened = performance.now();
  const nodes = randomReachable(indexes, 100, core.UNREACHABLE);
  const times = nodes.map((n) => {
    const t = performance.now();
    core.renderIdentification(core.identify(indexes, n));
    return performance.now() - t;
  });
  const root = indexes.retainedSize[graph.rootIndex];
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      cache,
      open: opened - start,
      first: times[0],
      all: sum(times),
      max: Math.max(...times),
      root,
      rss,
    }),
  );
} else {
  const run = () =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ["--max-old-space-size=8192", new URL(import.meta.url).pathname, file],
        {
          env: { ...process.env, MEASURE_REOPEN_CHILD: "1" },
          encoding: "utf8",
        },
      ),
    );
  const warm = run();
  if (warm.cache !== "hit") console.error(`sidecar ${warm.cache}`);
  const f = (ms) => ms.toFixed(1).padStart(7);
  console.log(`load ${loadavg()[0].toFixed(2)}`);
  console.log("   open  open+1st  open+100  slowest   root retained   peak RSS MiB");
  for (let i = 0; i < Number(runsArg ?? 3); i++) {
    const r = run();
    console.log(
      `${f(r.open)} ${f(r.open + r.first)}  ${f(r.open + r.all)}  ${f(r.max)}  ${r.root}  ${r.rss.toFixed(0)}`,
    );
  }
  console.log(`load ${loadavg()[0].toFixed(2)}`);
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

// The bench's fixed-seed choice (tooling/bench/src/run/heapmat.ts), so runs compare.
function randomReachable(index, count, unreachable) {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const picked = new Set();
  const n = index.graph.nodeCount;
  for (let tries = 0; picked.size < count && tries < count * 1000; tries++) {
    const node = Math.floor(random() * n);
    if (index.distance[node] !== unreachable) picked.add(node);
  }
  return [...picked];
}

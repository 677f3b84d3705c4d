// Times heapmat on a large .pmat dump: read, then index (inrefs, distances, dominators,
// retained sizes). Not a test: run by hand after `pnpm build`, and report the figures.
//   node test/pmat/measure.mjs [FILE.pmat]
// Without a file, dumps test/pmat/million.pl (about 1.2M SVs) into a temp folder first.

import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { indexHeap, pmatDetails, readPmat } from "../../dist/index.js";
import { fileSource } from "../../dist/node/index.js";

const here = dirname(fileURLToPath(import.meta.url));
let file = process.argv[2];
if (!file) {
  file = join(mkdtempSync(join(tmpdir(), "heapmat-pmat-big-")), "million.pmat");
  const started = performance.now();
  execFileSync(
    "perl",
    [`-MDevel::MAT::Dumper=-dump_at_END,-file,${file}`, join(here, "million.pl")],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  console.error(`dumped ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const ms = (from) => `${((performance.now() - from) / 1000).toFixed(2)} s`;
const source = await fileSource(file);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const graph = await readPmat(source);
const read = ms(t0);
const readCpu = process.cpuUsage(cpu0);
const t1 = performance.now();
const indexes = indexHeap(graph);
void indexes.inrefs;
void indexes.distance;
void indexes.retainedSize;
const indexed = ms(t1);
const cpu = process.cpuUsage(cpu0);
const seconds = (usage) => ((usage.user + usage.system) / 1e6).toFixed(2);
const cpuSeconds = `${seconds(cpu)} s, of which reading ${seconds(readCpu)}`;
const mb = (source.size / 1e6).toFixed(1);
const svs = pmatDetails(graph).svCount;
const total = ms(t0);
const t2 = performance.now();
await readPmat(await fileSource(file), { idsOnly: true });
const idsOnly = ms(t2);
console.log(
  `${file}: ${mb} MB, ${svs} SVs, ${graph.edgeCount} edges: read ${read}, indexed ${indexed}, total ${total} (CPU ${cpuSeconds} s); ids only: ${idsOnly}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);

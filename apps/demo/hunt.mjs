// The README's main command: hunts the poller's leak end to end, as Devel::MAT's case study does,
// with no typing between steps. Everything lands in ./demo-output, cleared at each run.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { heapTrend, trendLines } from "./hunt/heap-trend.mjs";
import { echo, fail, note, step } from "./hunt/terminal.mjs";
import { runTool, ToolError } from "./hunt/tools.mjs";

const OUT = "demo-output";
const ITERATIONS = 8;
/** The first dumps carry start-up noise; the case study skips them too. */
const FIRST_DUMP = 4;

const dumps = (from, to) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${OUT}/poller-${from + i}.hmat`);

function runPoller() {
  step(
    "run the poller with heapmat's dumper preloaded",
    "The poller polls 12 sites, three times each, per iteration. The dumper is preloaded",
    "(--import), configured by HEAPMAT_DUMPER: allocation stacks on, memory stats every 400 ms to a",
    "file, and one .hmat dump each time the poller calls tick() at the end of an iteration.",
    "(--track-heap-objects makes V8 record allocation stacks from the first line of the program.)",
  );
  const options = `track_allocations,file=${OUT}/poller-{n}.hmat,stats=${OUT}/stats.ndjson,stats_interval=400`;
  const args = ["--track-heap-objects", "--import", "@heapmat/dumper/register", "poller.mjs"];
  echo(`HEAPMAT_DUMPER=${options} DEMO_ITERATIONS=${ITERATIONS} node ${args.join(" ")}`);
  const run = spawnSync(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, HEAPMAT_DUMPER: options, DEMO_ITERATIONS: String(ITERATIONS) },
  });
  if (run.status !== 0) throw new ToolError(`the poller exited with ${run.status ?? run.signal}`);
  const written = readdirSync(OUT).filter((f) => f.endsWith(".hmat"));
  const bytes = written.reduce((sum, f) => sum + statSync(`${OUT}/${f}`).size, 0);
  note(
    `wrote ${written.length} dumps (${(bytes / written.length / 1024).toFixed(0)} KiB each on average) and ${OUT}/stats.ndjson`,
  );
  if (written.length < ITERATIONS) throw new ToolError(`expected ${ITERATIONS} dumps`);
}

function classify() {
  step(
    "classify cheaply: which memory grows?",
    "Before reading any dump: the stats lines say whether the JS heap grows, or external memory",
    "(Buffers), or only RSS (native code). Followed here: the JS heap's old generation, where what",
    "survives garbage collection lands (the young one swings by megabytes with fresh garbage), from",
    `the end of start-up (dump ${FIRST_DUMP - 1}) on, one line per sample in which the poller ran:`,
  );
  note(`\nfrom ${OUT}/stats.ndjson:`);
  const startUpEnd = statSync(`${OUT}/poller-${FIRST_DUMP - 1}.hmat`).mtimeMs;
  const { samples, startUp, idle, growth } = heapTrend(`${OUT}/stats.ndjson`, startUpEnd);
  for (const line of trendLines(samples)) console.log(line);
  note(`(left out: ${startUp} samples of start-up, ${idle} taken while the poller slept)`);
  console.log(growth ? `=> ${growth.message}` : "=> too few samples to tell");
}

function leakReport() {
  const files = dumps(FIRST_DUMP, ITERATIONS);
  const typed = `heapmat-leakreport -1 ${OUT}/poller-{${FIRST_DUMP}..${ITERATIONS}}.hmat`;
  step(
    "find the objects that appear in each dump and never go away",
    `Dumps 1-${FIRST_DUMP - 1} hold start-up noise, so the report reads ${FIRST_DUMP}-${ITERATIONS}. -1 keeps the`,
    "objects new in the first dump that adds any and still alive in all later ones, then groups",
    "them: the leaking class, what holds it (the path from the roots, the Map key), and the stack",
    "that allocated it.",
  );
  echo(typed);
  runTool("heapmat-leakreport", ["-1", ...files]);
  echo(`${typed} --json   # the same report, for scripts: take the first group's first id`);
  const report = JSON.parse(
    runTool("heapmat-leakreport", ["-1", "--json", ...files], { capture: true }),
  );
  const group = report.groups[0];
  if (!group?.ids?.length) throw new ToolError("the report has no leak group");
  note(`first group: ${group.name}, ${group.count} leaked; sample id ${group.ids[0]}`);
  return group.ids[0];
}

function askTheShell(id) {
  const last = `${OUT}/poller-${ITERATIONS}.hmat`;
  step(
    "ask the shell about one of them",
    "identify walks from the object back to the roots and says it in the code's own words;",
    "allocs prints the JS stack that allocated it.",
  );
  echo(`heapmat ${last} identify ${id}`);
  runTool("heapmat", [last, "identify", String(id)]);
  echo(`heapmat ${last} allocs ${id}`);
  runTool("heapmat", [last, "allocs", String(id)]);
}

function conclude() {
  step(
    "read the code",
    "put() in lib/callback-data.mjs keys the table by the connection's handle (ptr_<handle>);",
    "drop() deletes ptr_<id>, a key that was never stored. Every closed connection leaves its slot",
    "behind: fix drop() to build the key as put() does.",
    `The dumps stay in apps/demo/${OUT}/. To explore one at the shell's prompt, in apps/demo:`,
    `  pnpm exec heapmat ${OUT}/poller-${ITERATIONS}.hmat     (then type help)`,
  );
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
try {
  runPoller();
  classify();
  const id = leakReport();
  askTheShell(id);
  conclude();
} catch (error) {
  fail(error instanceof ToolError ? error.message : `unexpected error: ${error.message}`);
  if (process.argv.includes("--debug")) console.error(error.stack);
  process.exitCode = 1;
}

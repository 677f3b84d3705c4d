// The preload on Node 18+: --require (CJS) and --import (ESM), a signal trigger and the exit trigger.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodeHmat } from "@heapmat/dumper";

const require = createRequire(import.meta.url);
const registerCjs = require.resolve("@heapmat/dumper/register");
const registerEsm = registerCjs.replace(/\.cjs$/, ".mjs");

// Sends itself SIGUSR2, waits for the dump, then exits (the exit trigger dumps once more).
const APP = `
globalThis.keep = Array.from({ length: 1000 }, (_, i) => ({ i }));
process.kill(process.pid, "SIGUSR2");
const fs = require("node:fs");
const wait = setInterval(() => {
  if (fs.readdirSync(".").includes("app-1.hmat")) clearInterval(wait);
}, 20);
`;

for (const [kind, flag, register, ext] of [
  ["CJS", "--require", registerCjs, "cjs"],
  ["ESM", "--import", registerEsm, "mjs"],
]) {
  test(`${kind} preload: dump_at=SIGUSR2 and dump_at=exit`, () => {
    const dir = mkdtempSync(join(tmpdir(), "heapmat-preload-"));
    const source =
      ext === "mjs"
        ? `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);${APP}`
        : APP;
    writeFileSync(join(dir, `app.${ext}`), source);
    const run = spawnSync(process.execPath, [flag, register, `app.${ext}`], {
      cwd: dir,
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        HEAPMAT_DUMPER: "dump_at=SIGUSR2,dump_at=exit,file={script}-{n}.hmat",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".hmat"))
      .sort();
    assert.deepEqual(files, ["app-1.hmat", "app-2.hmat"]);
    const reasons = files.map((f) => decodeHmat(readFileSync(join(dir, f))).info.reason);
    assert.deepEqual(reasons, ["signal:SIGUSR2", "exit"]);
    rmSync(dir, { recursive: true, force: true });
  });
}

test("a bad HEAPMAT_DUMPER option warns and is ignored", () => {
  const run = spawnSync(process.execPath, ["--require", registerCjs, "-e", "console.log('ok')"], {
    env: { ...process.env, NODE_OPTIONS: "", HEAPMAT_DUMPER: "dump_at=nonsense" },
    encoding: "utf8",
  });
  assert.equal(run.status, 0);
  assert.equal(run.stdout.trim(), "ok");
  assert.match(run.stderr, /heapmat-dumper: HEAPMAT_DUMPER: ignoring 'dump_at=nonsense'/);
});

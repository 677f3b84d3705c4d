// The README's main command, exactly as written there, run in a fresh copy of the repository (the
// files git would commit): install, build, hunt. Its output must name the leak the way the case study
// does: the class, the table and key holding it, and the library function that allocated it.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = execFileSync("git", ["rev-parse", "--show-toplevel"], {
  cwd: import.meta.dirname,
  encoding: "utf8",
}).trim();

/** The command of the README's "Try it" section that runs the demo. */
function mainCommand(readme) {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Try it"));
  if (!section) throw new Error("README.md has no '## Try it' section");
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  const command = blocks.find((b) => /\bdemo$/.test(b));
  if (!command) throw new Error("the 'Try it' section has no sh block ending in 'demo'");
  return command;
}

/**
 * Copies the repository as a commit of the working tree would hold it: tracked files and new ones
 * git does not ignore, as they are on disk; nothing built or installed.
 */
function copyRepository(from, to) {
  const listing = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const files = execFileSync("git", listing, { cwd: from, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(from, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(from, file), join(to, file));
  }
}

/** This machine's environment without what the surrounding pnpm, turbo or vitest run added. */
function freshEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_|TURBO_|VITEST|NODE_OPTIONS$|FORCE_COLOR$|INIT_CWD$)/.test(key))
      continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.startsWith(repo))
    .join(delimiter);
  env.NO_COLOR = "1";
  env.TURBO_TELEMETRY_DISABLED = "1";
  return env;
}

describe("the README's main command", () => {
  let copy;
  let run;

  beforeAll(() => {
    const command = mainCommand(readFileSync(join(repo, "README.md"), "utf8"));
    copy = mkdtempSync(join(tmpdir(), "heapmat-demo-e2e-"));
    copyRepository(repo, copy);
    run = spawnSync("sh", ["-c", command], {
      cwd: copy,
      env: freshEnv(),
      encoding: "utf8",
      timeout: 280_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  });

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it("installs, builds and hunts without an error", () => {
    expect(run.error).toBeUndefined();
    expect(run.stderr).not.toMatch(/^hunt: /m);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it("classifies the growth as JS heap from the stats lines", () => {
    expect(run.stdout).toMatch(/^=> the JS heap grows/m);
  });

  it("reports the leaking constructor first", () => {
    expect(run.stdout).toMatch(/^#1 CallbackSlot +\d+ leaked/m);
  });

  it("names the holder: the global table and the put key", () => {
    expect(run.stdout).toMatch(/held by: a value in Map @\d+ \(key 'ptr_\d+'\)/);
    expect(run.stdout).toMatch(
      /the variable 'callbackTable' of module \S+\/lib\/callback-data\.mjs/,
    );
  });

  it("points the allocation stack at the library's put", () => {
    expect(run.stdout).toMatch(
      /allocated at: put \(callback-data\.mjs:\d+:\d+\) ← open \(client\.mjs/,
    );
  });

  it("identifies and traces one sample id from the --json report in the shell", () => {
    const id = run.stdout.match(/sample id (\d+)/)?.[1];
    expect(id).toBeDefined();
    expect(run.stdout).toContain(`heapmat demo-output/poller-8.hmat identify ${id}`);
    expect(run.stdout).toMatch(
      new RegExp(
        `CallbackSlot @${id} .*is:\\n└─ a value in Map @\\d+ \\(key 'ptr_\\d+'\\), which is:\\n +└─ the variable 'callbackTable'`,
      ),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `CallbackSlot @${id} was allocated at:\\n +put \\(file://\\S+/lib/callback-data\\.mjs:\\d+:\\d+\\)`,
      ),
    );
  });
});

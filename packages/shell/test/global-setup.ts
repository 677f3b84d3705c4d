import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";
import { LEAKY_APP } from "./leaky-app.js";

declare module "vitest" {
  export interface ProvidedContext {
    snapshots: { dir: string; first: string; second: string; hmat: string };
  }
}

/** Takes the test snapshots once for all test files: a real Node process writes them. */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-shell-"));
  const app = join(dir, "leaky-app.mjs");
  writeFileSync(app, LEAKY_APP);
  const first = join(dir, "first.heapsnapshot");
  const second = join(dir, "second.heapsnapshot");
  // With allocation tracking, so that `allocs` has stacks to show.
  execFileSync(process.execPath, ["--track-heap-objects", app, first, second], {
    stdio: "inherit",
  });
  // A .hmat dump by @heapmat/dumper, with the process metadata a .heapsnapshot lacks.
  const dumper = join(
    dirname(createRequire(import.meta.url).resolve("@heapmat/dumper/package.json")),
    "dist/index.mjs",
  );
  const hmat = join(dir, "small.hmat");
  const program = `const { dump } = await import(${JSON.stringify(dumper)});
globalThis.keep = new Map([["a", { x: 1 }]]);
await dump(${JSON.stringify(hmat)}, { reason: "test", label: "shell" });`;
  execFileSync(process.execPath, ["--input-type=module", "-e", program], { stdio: "inherit" });
  project.provide("snapshots", { dir, first, second, hmat });
  return () => rmSync(dir, { recursive: true, force: true });
}

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Test support (imports node:, so only tests use it). Unlike test/take-snapshot.ts, the program
// runs as a real file (so module variables belong to a named module) and the snapshots are taken
// from a timer after the module has finished, as a leak investigation would find them.

export interface ProgramOptions {
  /** Snapshots to take (default 1); before each one after the first, `globalThis.step(i)` runs. */
  snapshots?: number;
  /** Extra Node flags, e.g. `--track-heap-objects` for allocation stacks. */
  nodeArgs?: string[];
}

/**
 * Runs `program` as the file `name` (`.mjs` or `.cjs`) in a child Node process, then writes heap
 * snapshots. Returns their paths (`name.heapsnapshot`, `name.1.heapsnapshot`, …).
 */
export function snapshotProgram(
  name: string,
  program: string,
  options: ProgramOptions = {},
): string[] {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-queries-"));
  const file = join(dir, name);
  const count = options.snapshots ?? 1;
  const paths = Array.from({ length: count }, (_, i) =>
    join(dir, i === 0 ? `${name}.heapsnapshot` : `${name}.${i}.heapsnapshot`),
  );
  const take = `setTimeout(() => {
    const paths = ${JSON.stringify(paths)};
    paths.forEach((path, i) => { if (i > 0) globalThis.step(i); require("node:v8").writeHeapSnapshot(path); });
    process.exit(0);
  }, 1);`;
  const epilogue = name.endsWith(".mjs")
    ? `import { createRequire as __heapmatRequire } from "node:module";\n{ const require = __heapmatRequire(import.meta.url); ${take} }`
    : take;
  writeFileSync(file, `${program}\n${epilogue}\n`);
  execFileSync(process.execPath, [...(options.nodeArgs ?? []), file], {
    stdio: "inherit",
    timeout: 60_000,
  });
  return paths;
}

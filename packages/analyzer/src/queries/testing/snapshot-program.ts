import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Test support (imports node:, so only tests use it). Unlike test/take-snapshot.ts, the program
// runs as a real file (so module variables belong to a named module) and the snapshot is taken
// from a timer after the module has finished, as a leak investigation would find it.

/** Runs `program` as the file `name` (`.mjs` or `.cjs`) in a child Node; returns the snapshot path. */
export function snapshotProgram(name: string, program: string): string {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-queries-"));
  const file = join(dir, name);
  const snapshot = join(dir, `${name}.heapsnapshot`);
  const take = `setTimeout(() => { require("node:v8").writeHeapSnapshot(${JSON.stringify(snapshot)}); process.exit(0); }, 1);`;
  const esm = name.endsWith(".mjs");
  const epilogue = esm
    ? `import { createRequire as __heapmatRequire } from "node:module";\n{ const require = __heapmatRequire(import.meta.url); ${take} }`
    : take;
  writeFileSync(file, `${program}\n${epilogue}\n`);
  execFileSync(process.execPath, [file], { stdio: "inherit", timeout: 60_000 });
  return snapshot;
}

import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeFile,
  INDEX_ESM,
  nodesNamed,
  removeTempDirs,
  runNode,
  tempDir,
  writeApp,
} from "./helpers.js";

// A leak hunt dumps once per iteration: whatever one dump() leaves reachable shows up in the next
// dump as a false leak (its converter process or worker, their listeners and closures over the
// options).
describe("repeated dumps", () => {
  afterAll(removeTempDirs);

  it.each(["file", "inspector"] as const)(
    "via %s: no dump's converter is alive at the next",
    (via) => {
      const dir = tempDir();
      const app = writeApp(
        dir,
        "app.mjs",
        `import { dump } from ${JSON.stringify(INDEX_ESM)};
for (let n = 1; n <= 4; n++) await dump(${JSON.stringify(dir)} + "/heap-" + n + ".hmat", { via: ${JSON.stringify(via)} });`,
      );
      const run = runNode([app]);
      expect(run.status, run.stderr).toBe(0);
      const ids = [1, 2, 3, 4].map((n) => {
        const decoded = decodeFile(join(dir, `heap-${n}.hmat`));
        const names = ["Worker", "MessagePort", "ChildProcess"];
        return new Set(names.flatMap((name) => nodesNamed(decoded, name)));
      });
      // Node keeps a few (a constructor template, a port): those are in every dump from the second.
      const fixed = [...ids[1]!].filter((id) => ids[2]!.has(id) && ids[3]!.has(id));
      for (let n = 1; n < 3; n++) {
        const survivors = [...ids[n]!].filter((id) => ids[n + 1]!.has(id));
        expect(survivors.sort()).toEqual(fixed.sort());
      }
      // The dump's own converter: absent via a file (started after V8's snapshot), present otherwise.
      const own = ids[3]!.size - fixed.length;
      if (via === "file") expect(own).toBe(0);
      else expect(own).toBeGreaterThan(0);
    },
  );
});

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryText } from "../src/hmat-reader.js";
import { checkMemory } from "../src/memory.js";
import {
  decodeFile,
  INDEX_CJS,
  INDEX_ESM,
  ordersProgram,
  removeTempDirs,
  runNode,
  tempDir,
  writeApp,
} from "./helpers.js";

describe("production safety", () => {
  afterAll(removeTempDirs);

  it("two dump requests at once give one dump", () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "two.cjs",
      `const { dump } = require(${JSON.stringify(INDEX_CJS)});
(async () => {
  const [a, b] = await Promise.all([dump(${JSON.stringify(join(dir, "a.hmat"))}), dump(${JSON.stringify(join(dir, "b.hmat"))})]);
  console.log(JSON.stringify([a.path, b.path]));
})();`,
    );
    const run = runNode([app]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([join(dir, "a.hmat"), join(dir, "a.hmat")]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".hmat"))).toEqual(["a.hmat"]);
  });

  it("redact leaves no secret in the file, but keeps property and constructor names", () => {
    const dir = tempDir();
    const secret = "s3cr3t-T0KEN-do-not-leak";
    const app = writeApp(
      dir,
      "secret.mjs",
      `import { dumpSync } from ${JSON.stringify(INDEX_ESM)};
class Credentials { constructor() { this.apiToken = ["${secret.slice(0, 6)}", "${secret.slice(6)}"].join(""); } }
globalThis.credentials = new Credentials();
globalThis.more = Array.from({ length: 100 }, (_, i) => "${secret}".slice(0, 6) + "-" + i);
dumpSync(${JSON.stringify(join(dir, "r.hmat"))}, { redact: true });
dumpSync(${JSON.stringify(join(dir, "plain.hmat"))});`,
    );
    const run = runNode([app]);
    expect(run.status, run.stderr).toBe(0);
    // Control: without redact, the secret is there (so the check below can fail).
    const plain = decodeFile(join(dir, "plain.hmat")).strings.map(entryText);
    expect(plain).toContain(secret);
    // Redacted: neither the raw bytes nor any inflated section holds it.
    const bytes = readFileSync(join(dir, "r.hmat"));
    expect(bytes.includes(secret)).toBe(false);
    const decoded = decodeFile(join(dir, "r.hmat"));
    const strings = decoded.strings.map(entryText);
    expect(strings.some((s) => s.includes("s3cr3t"))).toBe(false);
    expect(decoded.strings).toContain(secret.length);
    expect(strings).toContain("apiToken");
    expect(strings).toContain("Credentials");
    expect(decoded.info.redacted).toBe(true);
    let inflated = "";
    for (
      let at = bytes.indexOf(0x78, 8);
      at >= 0 && at < bytes.length;
      at = bytes.indexOf(0x78, at + 1)
    ) {
      try {
        inflated += inflateSync(bytes.subarray(at)).toString("latin1");
      } catch {}
    }
    expect(inflated).toContain("apiToken");
    expect(inflated.includes(secret)).toBe(false);
  });

  it("max_string keeps only the start of long strings", () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "long.mjs",
      `import { dumpSync } from ${JSON.stringify(INDEX_ESM)};
globalThis.long = "${"x".repeat(3000)}";
dumpSync(${JSON.stringify(join(dir, "m.hmat"))}, { maxString: 12 });`,
    );
    const run = runNode([app]);
    expect(run.status, run.stderr).toBe(0);
    const decoded = decodeFile(join(dir, "m.hmat"));
    const cut = decoded.strings.filter((s) => Array.isArray(s) && s[0] === "x".repeat(12));
    expect(cut.length).toBeGreaterThan(0);
    expect(decoded.strings.some((s) => typeof s === "string" && s.length > 12)).toBe(false);
  });

  describe("a full disk", () => {
    let mount = "";
    let mounted = false;
    // Mounted in beforeAll, not at collection, so a filtered run never leaves a mount behind.
    beforeAll(() => {
      mount = join(tempDir(), "tiny");
      try {
        mkdirSync(mount);
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mount], {
          stdio: "ignore",
        });
        mounted = true;
      } catch {}
    });
    afterAll(() => {
      if (mounted) execFileSync("umount", [mount]);
    });

    it("is reported once on stderr and through the promise, and the host lives on (a 256 KB tmpfs, else /dev/full)", () => {
      // Without root, /dev/full gives the same ENOSPC on every write.
      const target = mounted ? join(mount, "full.hmat") : "/dev/full";
      const app = writeApp(
        tempDir(),
        "full.mjs",
        `import { dump } from ${JSON.stringify(INDEX_ESM)};
${ordersProgram(20_000)}
try { await dump(${JSON.stringify(target)}); console.log("unexpected success"); }
catch (error) { console.log("rejected: " + error.code + " " + error.message); }
dump(${JSON.stringify(target)}); // ignored promise: must not crash the host
await new Promise((r) => setTimeout(r, 1500));
console.log("alive");`,
      );
      const run = runNode([app]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/rejected: .*ENOSPC|rejected: .*no space/i);
      expect(run.stdout).toContain("alive");
      const reports = run.stderr.split("\n").filter((l) => l.includes("heapmat-dumper: dump"));
      expect(reports).toHaveLength(2);
      expect(reports[0]).toMatch(/ENOSPC|no space/i);
      if (mounted) expect(readdirSync(mount)).toEqual([]);
    });
  });

  it("the memory guard refuses a dump that would not fit", () => {
    const tight = checkMemory(100 * 2 ** 20, 300 * 2 ** 20);
    expect(tight.ok).toBe(false);
    expect(tight.message).toMatch(/may need about 700 MB, but only 300 MB is available/);
    expect(checkMemory(10 * 2 ** 20, 300 * 2 ** 20).ok).toBe(true);
  });
});

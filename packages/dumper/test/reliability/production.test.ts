// The dumper inside a running service: real child processes, real signals, real files, a real
// HTTP server on loopback. Each test proves one promise of docs/reliability.md.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeHmat, HmatFormatError } from "../../src/hmat-reader.js";
import {
  decodeFile,
  exited,
  INDEX_ESM,
  REGISTER_ESM,
  removeTempDirs,
  runNode,
  startNode,
  tempDir,
  until,
  writeApp,
} from "../helpers.js";
import { get, hammer, hostProgram, portOf } from "./support.js";

const importDumper = (names: string) => `import { ${names} } from ${JSON.stringify(INDEX_ESM)};`;
const reports = (stderr: string) =>
  stderr.split("\n").filter((line) => line.startsWith("heapmat-dumper: dump"));

describe("the dumper in production", () => {
  afterAll(removeTempDirs);

  it("SIGKILL during a dump: nothing under the final name, the converter removes its files, what it wrote reads as truncated", async () => {
    const dir = tempDir();
    const target = join(dir, "killed.hmat");
    const app = writeApp(
      dir,
      "killed.mjs",
      `${importDumper("dump")}
globalThis.orders = Array.from({ length: 200000 }, (_, i) => ({ id: i, label: "order-" + i }));
await dump(${JSON.stringify(target)});
console.log("done");`,
    );
    const child = startNode([app], { cwd: dir });
    // The worker is writing sections: its temporary file holds more than the first one.
    const partial = () => readdirSync(dir).find((f) => /^killed\.hmat\.\d+\.tmp$/.test(f));
    await until(
      () => {
        const f = partial();
        return (
          (f !== undefined && statSync(join(dir, f)).size > 4096) || /done/.test(child.output())
        );
      },
      60_000,
      "the worker to write sections",
    );
    // What is on disk at the kill: the converter process removes its files once the host is gone.
    const tmp = join(dir, partial()!);
    const bytes = readFileSync(tmp);
    child.kill("SIGKILL");
    expect((await exited(child)).signal).toBe("SIGKILL");
    expect(child.output()).not.toContain("done");
    await until(() => readdirSync(dir).length === 1, 60_000, "the converter to clean up");
    expect(readdirSync(dir)).toEqual(["killed.mjs"]);
    let error: unknown;
    try {
      decodeHmat(bytes, tmp);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HmatFormatError);
    expect((error as HmatFormatError).truncated).toBe(true);
    expect((error as HmatFormatError).file).toBe(tmp);
    expect((error as HmatFormatError).offset).toBeLessThanOrEqual(bytes.length);
  });

  describe("disk full and an unwritable directory", () => {
    const mounts: string[] = [];
    afterAll(() => {
      for (const m of mounts) execFileSync("umount", [m]);
    });

    /** A directory the dumper cannot fill: a tiny tmpfs (root), else none (null). */
    function tinyDisk(): string | null {
      const dir = join(tempDir(), "tiny");
      mkdirSync(dir);
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], {
          stdio: "ignore",
        });
        mounts.push(dir);
        return dir;
      } catch {
        rmdirSync(dir);
        return null;
      }
    }

    /** A directory nobody may create files in: a read-only tmpfs (root), else mode 0555. */
    function unwritable(): string {
      const dir = join(tempDir(), "locked");
      mkdirSync(dir);
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir], {
          stdio: "ignore",
        });
        mounts.push(dir);
      } catch {
        chmodSync(dir, 0o555);
      }
      return dir;
    }

    it("each failure is reported once, the host serves requests during and after, no partial file", async () => {
      const full = tinyDisk();
      const locked = unwritable();
      // Without root no tiny disk can be made: /dev/full fails every write with ENOSPC.
      const fullTarget = full ? join(full, "full.hmat") : "/dev/full";
      const dir = tempDir();
      const app = writeApp(
        dir,
        "host.mjs",
        hostProgram({
          prelude: importDumper("dump"),
          orders: 30_000,
          routes: `case "/dump": {
        const outcome = dump(url.searchParams.get("to")).then(
          () => "written", (error) => "failed: " + (error.code ?? "") + " " + error.message);
        globalThis.outcome = "running"; outcome.then((o) => { globalThis.outcome = o; });
        res.end("started"); return;
      }
      case "/outcome": res.end(String(globalThis.outcome)); return;`,
        }),
      );
      const child = startNode([app], { cwd: dir });
      try {
        await until(() => /port \d+/.test(child.output()), 30_000, "the host to listen");
        const port = portOf(child);
        for (const [target, why] of [
          [fullTarget, /ENOSPC|no space/i],
          [join(locked, "locked.hmat"), /EROFS|EACCES|read-only|permission/i],
        ] as const) {
          const before = reports(child.errors()).length;
          expect(await get(port, `/dump?to=${encodeURIComponent(target)}`)).toBe("started");
          // Requests while the dump runs and fails, then after.
          const during = await hammer(port, 300, 4);
          let outcome = "running";
          for (const end = Date.now() + 60_000; outcome === "running" && Date.now() < end; )
            outcome = await get(port, "/outcome");
          const after = await hammer(port, 300, 4);
          expect(during.failed).toEqual([]);
          expect(during.ok).toBe(300);
          expect(after.ok).toBe(300);
          expect(outcome).toMatch(/^failed: /);
          expect(outcome).toMatch(why);
          const newReports = reports(child.errors()).slice(before);
          expect(newReports).toHaveLength(1);
          expect(newReports[0]).toMatch(why);
        }
        if (full) expect(readdirSync(full)).toEqual([]);
        expect(readdirSync(locked)).toEqual([]);
        expect(child.exitCode).toBe(null);
        expect(child.errors()).not.toMatch(/Unhandled|uncaught|\n\s+at /i);
      } finally {
        child.kill("SIGTERM");
        await exited(child);
      }
    });
  });

  it("a burst of 20 SIGUSR2 in 100 ms: dumps coalesce, never overlap, every file complete", async () => {
    const dir = tempDir();
    const app = writeApp(dir, "burst.mjs", hostProgram({ orders: 50_000 }));
    const child = startNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: `dump_at=SIGUSR2,file=${join(dir, "burst-{n}.hmat")}` },
    });
    try {
      await until(() => /port \d+/.test(child.output()), 30_000, "the host to listen");
      const port = portOf(child);
      for (let i = 0; i < 20; i++) {
        child.kill("SIGUSR2");
        await new Promise((r) => setTimeout(r, 5));
      }
      // Settled: a file, and no temporary file for a while.
      let quietSince = Date.now();
      await until(
        () => {
          const files = readdirSync(dir);
          if (files.some((f) => f.endsWith(".tmp"))) quietSince = Date.now();
          return files.some((f) => f.endsWith(".hmat")) && Date.now() - quietSince > 1500;
        },
        60_000,
        "the dumps to finish",
      );
      expect(await get(port, "/ping")).toBe("pong");
      const files = readdirSync(dir)
        .filter((f) => f.endsWith(".hmat"))
        .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
      expect(files.length).toBeGreaterThanOrEqual(1);
      expect(files.length).toBeLessThan(20);
      // Numbered 1..n without a gap: no dump was started and abandoned.
      expect(files).toEqual(files.map((_, i) => `burst-${i + 1}.hmat`));
      // Each dump began (info.dumpTime) after the previous file was complete (its mtime).
      let previousEnd = 0;
      for (const f of files) {
        const decoded = decodeFile(join(dir, f));
        expect(decoded.info.reason).toBe("signal:SIGUSR2");
        expect(decoded.trailer.nodes).toBeGreaterThan(50_000);
        expect(decoded.info.dumpTime as number).toBeGreaterThanOrEqual(previousEnd);
        previousEnd = Math.floor(statSync(join(dir, f)).mtimeMs);
      }
      console.log(`burst: 20 SIGUSR2 in 100 ms gave ${files.length} dump(s)`);
      expect(child.exitCode).toBe(null);
      expect(reports(child.errors())).toEqual([]);
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
  });

  it("a label function and an onDump hook that throw or reject are contained", () => {
    const dir = tempDir();
    const file = (name: string) => JSON.stringify(join(dir, name));
    const app = writeApp(
      dir,
      "hooks.mjs",
      `${importDumper("configure, dump, dumpSync")}
process.on("unhandledRejection", (e) => { console.log("UNHANDLED " + e); });
globalThis.orders = Array.from({ length: 1000 }, (_, i) => ({ id: i }));
configure({
  label: () => { throw new Error("label boom"); },
  onDump: () => { throw new Error("hook boom"); },
});
const a = await dump(${file("a.hmat")});
console.log("a " + a.nodes);
configure({ onDump: async () => { throw new Error("async boom"); } });
await dump(${file("b.hmat")});
configure({ onDump: () => { throw "a string"; } });
dumpSync(${file("c.hmat")});
configure({ label: () => "build " + 42, onDump: (r) => console.log("hook saw " + r.path) });
await dump(${file("d.hmat")});
await new Promise((r) => setTimeout(r, 200)); // let a late rejection surface
console.log("alive");`,
    );
    const run = runNode([app], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("alive");
    expect(run.stdout).not.toContain("UNHANDLED");
    expect(run.stdout).toContain(`hook saw ${join(dir, "d.hmat")}`);
    const lines = run.stderr.split("\n");
    expect(lines.filter((l) => l.includes("label function threw (label boom)"))).toHaveLength(3);
    expect(lines.filter((l) => l.includes("onDump hook failed: hook boom"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("onDump hook failed: async boom"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("onDump hook failed: a string"))).toHaveLength(1);
    for (const name of ["a", "b", "c"]) {
      const decoded = decodeFile(join(dir, `${name}.hmat`));
      expect(decoded.trailer.nodes).toBeGreaterThan(1000);
      expect(decoded.info.label).toBeUndefined();
    }
    expect(decodeFile(join(dir, "d.hmat")).info.label).toBe("build 42");
  });

  it("the onDump hook runs for dumps a signal triggered (preload and API share one dumper)", async () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "hooked.mjs",
      hostProgram({
        prelude: `${importDumper("configure")}
configure({ onDump: (r) => { console.log("uploaded " + r.path); throw new Error("upload failed"); } });`,
      }),
    );
    const child = startNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: `dump_at=SIGUSR2,file=${join(dir, "sig.hmat")}` },
    });
    try {
      await until(() => /port \d+/.test(child.output()), 30_000, "the host to listen");
      child.kill("SIGUSR2");
      await until(() => child.output().includes("uploaded"), 30_000, "the hook");
      await until(() => child.errors().includes("upload failed"), 10_000, "the report");
      expect(child.output()).toContain(`uploaded ${join(dir, "sig.hmat")}`);
      expect(await get(portOf(child), "/ping")).toBe("pong");
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
  });

  it("the memory guard refuses a dump that would not fit in the process's cgroup, and says how much it needs", () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "guarded.mjs",
      `${importDumper("dump")}
globalThis.orders = Array.from({ length: 150000 }, (_, i) => ({ id: i, label: "order-" + i, items: [i] }));
const used = process.memoryUsage().heapUsed;
try { await dump(${JSON.stringify(join(dir, "g.hmat"))}); console.log("dumped"); }
catch (error) { console.log(JSON.stringify({ used, message: error.message })); }`,
    );
    const limit = 160 * 2 ** 20;
    const cgroup = makeMemoryCgroup(limit);
    try {
      // A shell joins the cgroup, then becomes node: the whole child lives under the limit.
      expect(cgroup, "needs root and a memory cgroup (v1 or v2)").not.toBeNull();
      const run = runNode(["-e", nodeInCgroup(cgroup!.procs, app)], { cwd: dir });
      expect(run.status, run.stderr).toBe(0);
      const { used, message } = JSON.parse(run.stdout);
      const match = /may need about (\d+) MB, but only (\d+) MB is available/.exec(message);
      expect(match, message).not.toBeNull();
      const [needed, available] = [Number(match![1]), Number(match![2])];
      // The guard's estimate: 7x the heap's used size (which moved a little since `used`).
      expect(Math.abs(needed - (used * 7) / 2 ** 20)).toBeLessThan(15);
      expect(available).toBeLessThan(limit / 2 ** 20);
      expect(needed).toBeGreaterThan(available);
      expect(existsSync(join(dir, "g.hmat"))).toBe(false);
      expect(run.stderr).toContain("not dumping (use the force option to dump anyway)");
      console.log(`memory guard: ${message}`);
    } finally {
      cgroup?.remove();
    }
    // Control: the same program outside the cgroup dumps.
    const free = runNode([app], { cwd: dir });
    expect(free.stdout.trim()).toBe("dumped");
  });
});

/** A child memory cgroup of this process's own, limited to `limit` bytes; null if not allowed. */
function makeMemoryCgroup(limit: number): { procs: string; remove: () => void } | null {
  const lines = readFileSync("/proc/self/cgroup", "utf8").split("\n");
  const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
  const v2 = lines.find((l) => l.startsWith("0::"));
  const candidates: Array<[string, string]> = [];
  if (v1) candidates.push([`/sys/fs/cgroup/memory${v1.split(":")[2]}`, "memory.limit_in_bytes"]);
  if (v2) candidates.push([`/sys/fs/cgroup${v2.slice(3)}`, "memory.max"]);
  for (const [parent, limitFile] of candidates) {
    const dir = join(parent, `heapmat-guard-${process.pid}`);
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    try {
      writeFileSync(join(dir, limitFile), String(limit));
      return {
        procs: join(dir, "cgroup.procs"),
        remove: () => {
          for (let i = 0; i < 50; i++) {
            try {
              rmdirSync(dir);
              return;
            } catch {
              execFileSync("sleep", ["0.1"]);
            }
          }
        },
      };
    } catch {
      rmdirSync(dir);
    }
  }
  return null;
}

/** A node -e program that runs `app` in a shell that first joined the cgroup. */
function nodeInCgroup(procs: string, app: string): string {
  const script = `echo $$ > ${procs} && exec "${process.execPath}" ${app}`;
  return `const r = require("node:child_process").spawnSync("sh", ["-c", ${JSON.stringify(script)}], { stdio: "inherit" }); process.exit(r.status ?? 1);`;
}

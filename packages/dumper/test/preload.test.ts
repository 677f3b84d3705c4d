import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeFile,
  exited,
  INDEX_CJS,
  nodesNamed,
  ordersProgram,
  REGISTER_CJS,
  REGISTER_ESM,
  removeTempDirs,
  runNode,
  startNode,
  tempDir,
  until,
  writeApp,
} from "./helpers.js";

const hmatFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".hmat"))
    .sort();

// Waits for lines on stdin: "quit" ends the app. Keeps the heap busy with Orders.
const SERVER = `${ordersProgram(2000)}
process.stdin.on("data", (d) => { if (String(d).includes("quit")) process.exit(0); });
console.log("ready");
`;

describe("the preload", () => {
  afterAll(removeTempDirs);

  for (const [kind, flag, register, ext] of [
    ["ESM", "--import", REGISTER_ESM, "mjs"],
    ["CJS", "--require", REGISTER_CJS, "cjs"],
  ] as const) {
    it(`${kind} app: dump_at=SIGUSR2 dumps on every signal, files 0600`, async () => {
      const dir = tempDir();
      const app = writeApp(dir, `server.${ext}`, SERVER);
      const child = startNode([flag, register, app], {
        cwd: dir,
        env: { HEAPMAT_DUMPER: "dump_at=SIGUSR2,file={script}-{n}.hmat" },
      });
      await until(() => child.output().includes("ready"), 30_000, "the app to start");
      child.kill("SIGUSR2");
      await until(() => existsSync(join(dir, "server-1.hmat")), 30_000, "the first dump");
      child.kill("SIGUSR2");
      await until(() => existsSync(join(dir, "server-2.hmat")), 30_000, "the second dump");
      child.stdin!.write("quit\n");
      const { code } = await exited(child);
      expect(code, child.errors()).toBe(0);
      expect(hmatFiles(dir)).toEqual(["server-1.hmat", "server-2.hmat"]);
      for (const name of hmatFiles(dir)) {
        const file = join(dir, name);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const decoded = decodeFile(file);
        expect(decoded.info.reason).toBe("signal:SIGUSR2");
        expect(nodesNamed(decoded, "Order")).toHaveLength(2000);
      }
      // Ids are stable across the dumps of one process.
      const [a, b] = hmatFiles(dir).map((f) =>
        nodesNamed(decodeFile(join(dir, f)), "Order").sort(),
      );
      expect(a).toEqual(b);
    });
  }

  it("dump_at=exit writes {script}-{pid}-{n}.hmat in the start-up cwd, despite chdir", () => {
    const dir = tempDir();
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    const app = writeApp(
      dir,
      "worker-job.mjs",
      `${ordersProgram(1000)}process.chdir(${JSON.stringify(elsewhere)});\nconsole.log(process.pid);`,
    );
    const run = runNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "dump_at=exit" },
    });
    expect(run.status, run.stderr).toBe(0);
    const pid = run.stdout.trim();
    expect(hmatFiles(dir)).toEqual([`worker-job-${pid}-1.hmat`]);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(decodeFile(join(dir, `worker-job-${pid}-1.hmat`)).info.reason).toBe("exit");
  });

  it("dump_at=uncaught dumps, then Node crashes as usual", () => {
    const dir = tempDir();
    const app = writeApp(dir, "crash.cjs", `${ordersProgram(1000)}throw new Error("boom-123");`);
    const run = runNode(["--require", REGISTER_CJS, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "dump_at=uncaught,dump_at=exit,file=crash.hmat" },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("boom-123");
    expect(hmatFiles(dir)).toEqual(["crash.hmat"]);
    expect(decodeFile(join(dir, "crash.hmat")).info.reason).toBe("uncaught");
  });

  it("dump_at=interval:<ms> dumps periodically without keeping the process alive", () => {
    const dir = tempDir();
    const app = writeApp(dir, "tick.mjs", `${ordersProgram(500)}setTimeout(() => {}, 2500);`);
    const run = runNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "dump_at=interval:400,file=i-{n}.hmat" },
    });
    expect(run.status, run.stderr).toBe(0);
    const files = hmatFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(decodeFile(join(dir, files[0]!)).info.reason).toBe("interval");
  });

  it("dump_at=near_oom has V8 write a snapshot near the heap limit", () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "oom.cjs",
      "const keep = []; for (;;) keep.push({ a: [1, 2, 3], b: 'x' + keep.length });",
    );
    const run = runNode(["--max-old-space-size=24", "--require", REGISTER_CJS, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "dump_at=near_oom" },
      timeout: 90_000,
    });
    expect(run.status).not.toBe(0);
    const snapshots = readdirSync(dir).filter((f) => f.endsWith(".heapsnapshot"));
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
  });

  it("warns once per bad option, ignores it, and never breaks the host", () => {
    const dir = tempDir();
    const app = writeApp(dir, "ok.mjs", 'console.log("still running");');
    const run = runNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "bogus,max_string=abc,dump_at=SIGKILL,dump_at=SIGNOPE,redact=1" },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("still running");
    const warnings = run.stderr.split("\n").filter((l) => l.startsWith("heapmat-dumper:"));
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toContain("'bogus'");
    expect(run.stderr).not.toMatch(/\bat .*\.(m?js|cjs):\d+/);
    expect(hmatFiles(dir)).toEqual([]);
  });

  it("track_allocations: dumps carry allocation stacks, and the process still exits", () => {
    const dir = tempDir();
    const app = writeApp(dir, "tracked.mjs", `${ordersProgram(2000)}setTimeout(() => {}, 100);`);
    const run = runNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "track_allocations,dump_at=exit,file=t.hmat" },
    });
    expect(run.status, run.stderr).toBe(0);
    const decoded = decodeFile(join(dir, "t.hmat"));
    expect(decoded.info.trackAllocations).toBe(true);
    expect(decoded.traceTree!.length).toBeGreaterThan(0);
    const infos = decoded.tables.trace_function_infos!;
    const width = (decoded.snapshot.meta.trace_function_info_fields as string[]).length;
    const nameAt = (decoded.snapshot.meta.trace_function_info_fields as string[]).indexOf("name");
    const names: string[] = [];
    for (let o = 0; o < infos.length; o += width)
      names.push(String(decoded.strings[infos[o + nameAt]!]));
    expect(names).toContain("makeOrders");
  });

  it("stats=<path> appends NDJSON samples", () => {
    const dir = tempDir();
    const stats = join(dir, "stats.ndjson");
    const app = writeApp(dir, "s.mjs", "setTimeout(() => {}, 600);");
    const run = runNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: `stats=${stats},stats_interval=100` },
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = readFileSync(stats, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const key of ["rss", "heapUsed", "heapTotal", "external", "arrayBuffers", "spaces"])
      expect(lines[0]).toHaveProperty(key);
  });

  it("tick() dumps on every Nth call (every=<n>)", () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "loop.cjs",
      `const { tick } = require(${JSON.stringify(INDEX_CJS)});
(async () => { let n = 0; for (let i = 0; i < 7; i++) { const p = tick(); if (p) { await p; n++; } } console.log(n); })();`,
    );
    const run = runNode(["--require", REGISTER_CJS, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: "every=3,file=loop-{n}.hmat" },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("2");
    expect(hmatFiles(dir)).toEqual(["loop-1.hmat", "loop-2.hmat"]);
    expect(decodeFile(join(dir, "loop-1.hmat")).info.reason).toBe("tick");
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { getPriority } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeFile,
  exited,
  INDEX_CJS,
  INDEX_ESM,
  nodesNamed,
  ordersProgram,
  REGISTER_CJS,
  removeTempDirs,
  runNode,
  startNode,
  tempDir,
  until,
  writeApp,
} from "./helpers.js";

// dump() converts in a child process: its memory and CPU are not the host's. These tests watch
// that process from outside, through /proc, while it converts a real heap.

/** The converter's pid, from its temporary file `<target>.<pid>.tmp` once it writes sections. */
function converterPid(dir: string, name: string): number | undefined {
  for (const f of readdirSync(dir)) {
    const match = new RegExp(`^${name.replace(".", "\\.")}\\.(\\d+)\\.tmp$`).exec(f);
    if (match && statSync(join(dir, f)).size > 4096) return Number(match[1]);
  }
  return undefined;
}

/** Gone, or a zombie nobody reaped yet (an orphan's new parent may be slow to). */
function isGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
}

/** Waits until the converter writes sections (or the host is done); returns its pid. */
async function converterAtWork(dir: string, output: () => string): Promise<number | undefined> {
  let pid: number | undefined;
  await until(
    () => {
      pid = converterPid(dir, "heap.hmat");
      return pid !== undefined || output() !== "";
    },
    60_000,
    "the converter to write sections",
  );
  return pid;
}

const dumpingApp = (dir: string, target: string) =>
  writeApp(
    dir,
    "app.mjs",
    `import { dump } from ${JSON.stringify(INDEX_ESM)};
${ordersProgram(200_000)}
const result = await dump(${JSON.stringify(target)});
console.log(JSON.stringify({ pid: process.pid, result }));`,
  );

describe("the converter process", () => {
  afterAll(removeTempDirs);

  it("is a niced child without the host's preloads, and its file is the host's dump", async () => {
    const dir = tempDir();
    const target = join(dir, "heap.hmat");
    // The host preloads the dumper with a trigger: the converter must load neither.
    const host = startNode([dumpingApp(dir, target)], {
      env: { NODE_OPTIONS: `--require ${REGISTER_CJS}`, HEAPMAT_DUMPER: "dump_at=SIGUSR2" },
    });
    const pid = await converterAtWork(dir, host.output);
    expect(pid, "the conversion finished before it could be watched").toBeDefined();
    const seen = {
      priority: getPriority(pid!),
      environ: readFileSync(`/proc/${pid}/environ`, "latin1"),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, "latin1"),
      parent: readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1],
    };
    const { code } = await exited(host);
    expect(code, host.errors()).toBe(0);
    const { pid: hostPid, result } = JSON.parse(host.output());
    expect(pid).not.toBe(hostPid);
    expect(seen.parent).toBe(String(hostPid));
    expect(seen.priority).toBe(10);
    expect(seen.cmdline).toContain("converter-main");
    expect(seen.environ).not.toContain("NODE_OPTIONS=");
    expect(seen.environ).not.toContain("HEAPMAT_DUMPER=");
    const decoded = decodeFile(target);
    expect(decoded.info.pid).toBe(hostPid);
    expect(decoded.trailer.nodes).toBe(result.nodes);
    expect(nodesNamed(decoded, "Order")).toHaveLength(200_000);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(["app.mjs", "heap.hmat"]);
  });

  it('converter: "thread" converts in a worker thread instead; each loads only the modules it needs', () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "thread.cjs",
      `const { dump } = require(${JSON.stringify(INDEX_CJS)});
${ordersProgram(3000)}
const loaded = (name) => process.moduleLoadList.includes("NativeModule " + name);
const modules = () => ["child_process", "worker_threads", "zlib"].filter(loaded);
(async () => {
  const before = modules();
  const thread = await dump(${JSON.stringify(join(dir, "t.hmat"))}, { converter: "thread" });
  const afterThread = modules();
  await dump(${JSON.stringify(join(dir, "p.hmat"))});
  console.log(JSON.stringify({ nodes: thread.nodes, before, afterThread, afterProcess: modules() }));
})();`,
    );
    const run = runNode([app]);
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout);
    const decoded = decodeFile(join(dir, "t.hmat"));
    expect(decoded.trailer.nodes).toBe(seen.nodes);
    expect(nodesNamed(decoded, "Order")).toHaveLength(3000);
    expect(seen.before).toEqual([]);
    expect(seen.afterThread).toEqual(["worker_threads"]);
    expect(seen.afterProcess).toEqual(["child_process", "worker_threads"]);
    expect(nodesNamed(decodeFile(join(dir, "p.hmat")), "Order")).toHaveLength(3000);
  });

  it("gives the dump up when the host is SIGKILLed mid-conversion: no file, no temporary left", async () => {
    const dir = tempDir();
    const target = join(dir, "heap.hmat");
    const host = startNode([dumpingApp(dir, target)]);
    const pid = await converterAtWork(dir, host.output);
    expect(pid, "the conversion finished before the host could be killed").toBeDefined();
    // V8's JSON is still there: the converter is reading it.
    expect(readdirSync(dir).some((f) => f.endsWith(".heapsnapshot.tmp"))).toBe(true);
    host.kill("SIGKILL");
    expect((await exited(host)).signal).toBe("SIGKILL");
    await until(() => isGone(pid!), 60_000, "the orphaned converter to stop");
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual(["app.mjs"]);
  });
});

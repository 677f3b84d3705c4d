import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { main } from "../src/cli/main.js";

const suite = inject("leakSuite");
const leaky = suite["map-cache"]!.files;
const control = suite["lru-control"]!.files;

/** Runs the command in this process with real files; collects what it writes. */
async function run(...argv: string[]) {
  const collect = () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    let text = "";
    stream.on("data", (chunk) => {
      text += chunk;
    });
    return { stream, text: () => text };
  };
  const stdout = collect();
  const stderr = collect();
  const code = await main(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { NO_COLOR: "1" },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "heapmat-leakreport-cli-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("heapmat-leakreport output", () => {
  it("prints the grouped report by default", async () => {
    const { code, stdout, stderr } = await run(...leaky);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(
      /^5 dumps \(heap-1\.heapsnapshot … heap-5\.heapsnapshot\): growth analysis$/m,
    );
    expect(stdout).toMatch(/^#1 SessionRecord {2}120 leaked, retaining \d/m);
    expect(stdout).toMatch(/held by: a value in Map @\d+ \(key 'sess-\d+'\)/);
    expect(stdout).toMatch(/the variable 'sessions' of module file:.*map-cache\.mjs/);
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it("prints one pmat-style line per candidate with --plain", async () => {
    const { code, stdout } = await run("--plain", ...leaky);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    for (const line of lines)
      expect(line).toMatch(/^LEAK\[[2-4]\] .+ @\d+ \(\d+(\.\d)? (B|KiB|MiB)\)$/);
    expect(lines.filter((line) => / SessionRecord @/.test(line))).toHaveLength(120);
  });

  it("prints the documented JSON schema with --json", async () => {
    const { code, stdout } = await run("--json", "--top", "1", ...leaky);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.version).toBe(1);
    expect(doc.mode).toBe("growth");
    expect(doc.dumps).toHaveLength(5);
    expect(doc.groups).toHaveLength(1);
    const [group] = doc.groups;
    expect(group).toMatchObject({
      name: "SessionRecord",
      kind: "object",
      count: 120,
      allocation: null,
    });
    expect(group.retainedSize).toBeGreaterThan(0);
    expect(group.ids).toHaveLength(5);
    for (const step of group.path) {
      expect(typeof step.edge).toBe("string");
      expect(typeof step.node).toBe("string");
      expect(typeof step.id).toBe("number");
    }
    expect(doc.candidateCount).toBeGreaterThanOrEqual(120);
  });

  it("exits 1 with --fail-on-leak when a group passes the thresholds", async () => {
    expect((await run("--fail-on-leak", ...leaky)).code).toBe(1);
    expect((await run("--fail-on-leak", "--min-count", "100", ...leaky)).code).toBe(1);
    expect((await run("--fail-on-leak", "--min-count", "1000", ...leaky)).code).toBe(0);
    expect((await run("--fail-on-leak", "--min-bytes", String(1 << 30), ...leaky)).code).toBe(0);
    const clean = await run("--fail-on-leak", ...control);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no leaks found/);
  });
  it("says which memory grows, from --stats", async () => {
    const buffers = suite.buffers!;
    const stats = join(scratch, "stats.ndjson");
    await writeFile(stats, buffers.stats);
    const { code, stdout } = await run("--stats", stats, ...buffers.files);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^memory: external memory grows \(\+\d+\.\d MiB\), the JS heap does not/m,
    );
  });

  it("prints the diff by constructor for two dumps, and the suspects for one", async () => {
    const two = await run(...leaky.slice(-2));
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/^constructor +count +new +bytes +growth$/m);
    expect(two.stdout).toMatch(/^SessionRecord +\d+ +\+40 /m);
    expect(two.stdout).toMatch(/a third dump would separate leaks from churn/);
    const one = await run(suite.buffers!.files.at(-1)!);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^#1 Array @\d+ retains [\d.]+ MiB \(\d+% of the heap\)$/m);
    expect(one.stdout).toMatch(/accumulation point: Array @\d+/);
    expect(one.stdout).toMatch(/which holds: \d+ Buffer/);
  });
});

describe("heapmat-leakreport errors", () => {
  it("exits 2 on a usage error, with the usage", async () => {
    const unknown = await run("--bogus", ...leaky);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Usage: heapmat-leakreport/);
    expect((await run()).code).toBe(2);
    const badNumber = await run("--top", "many", ...leaky);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/--top expects a whole number/);
  });

  it("exits 2 on dumps in the wrong order, unless --force", async () => {
    const reversed = [...leaky].reverse();
    const refused = await run(...reversed);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not in time order.*--force/);
    expect((await run("--force", ...reversed)).code).toBe(0);
  });

  it("exits 3 on a missing file, naming it, with no stack trace", async () => {
    const missing = join(scratch, "nope.heapsnapshot");
    const { code, stderr } = await run(leaky[0]!, missing);
    expect(code).toBe(3);
    expect(stderr).toContain(missing);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 3 on a truncated dump, naming the file and the byte offset", async () => {
    const cut = join(scratch, "cut.heapsnapshot");
    const bytes = await readFile(leaky.at(-1)!);
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    const { code, stderr } = await run(...leaky.slice(0, -1), cut);
    expect(code).toBe(3);
    expect(stderr).toContain(cut);
    expect(stderr).toMatch(/byte \d+/);
    expect(stderr).not.toMatch(/\n\s+at /);
    const debug = await run("--debug", ...leaky.slice(0, -1), cut);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe("a dump cut short (a process killed mid-dump)", () => {
  it("is refused as truncated, and read as far as it is complete with --salvage", async () => {
    const series = suite["map-cache+hmat"]!.files;
    const cut = join(scratch, "cut.hmat");
    const bytes = await readFile(series[1]!);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    const withCut = [series[0]!, cut, ...series.slice(2)];
    const refused = await run(...withCut);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/cut\.hmat: at byte \d+: .*\(the file is truncated\)/);
    // An earlier dump is read for its ids, which a cut in its later sections leaves whole.
    const salvaged = await run("--salvage", "--json", ...withCut);
    expect(salvaged.code).toBe(0);
    const whole = JSON.parse((await run("--json", ...series)).stdout);
    // The same leak, found the same way; only the cut dump's class census (which needs its names,
    // in a later section) is lost.
    const unlessCensus = (groups: Array<{ population?: number[] }>) =>
      groups.map(({ population, ...group }) => group);
    expect(unlessCensus(JSON.parse(salvaged.stdout).groups)).toEqual(unlessCensus(whole.groups));
  });
});

describe("the built binary", () => {
  const bin = join(import.meta.dirname, "..", "dist", "cli.mjs");
  it("runs as a real process (after `pnpm build`)", async () => {
    expect(existsSync(bin)).toBe(true);
    const copy = join(scratch, "leaky");
    const files = await Promise.all(
      leaky.map(async (file, i) => {
        const target = `${copy}-${i + 1}.heapsnapshot`;
        await copyFile(file, target);
        return target;
      }),
    );
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--json", ...files]);
    expect(JSON.parse(stdout).groups[0].name).toBe("SessionRecord");
    const failed = await promisify(execFile)(process.execPath, [
      bin,
      "--fail-on-leak",
      ...files,
    ]).catch((error: { code: number }) => error);
    expect((failed as { code: number }).code).toBe(1);
  });
});

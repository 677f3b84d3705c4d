// heapmat-leakreport on Perl's .pmat dumps against pmat-leakreport on the same files: a Perl
// program that leaks hashes through a global cache and self-referencing sessions, dumped once per
// round by Devel::MAT::Dumper.

import { PassThrough } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { dumpSeries, ensureDevelMat, pmatLeakreport } from "../../analyzer/test/pmat/perl.js";
import { main } from "../src/cli/main.js";
import { findLeaks } from "../src/find-leaks.js";

async function run(...argv: string[]) {
  const stdout = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let out = "";
  stdout.on("data", (chunk) => {
    out += chunk;
  });
  stderr.resume();
  const code = await main(argv, { stdout, stderr, env: { NO_COLOR: "1" } });
  return { code, stdout: out };
}

const lines = (text: string) => text.split("\n").filter((line) => line !== "");
const dumpNumber = (line: string) => Number(/^LEAK\[(\d+)\]/.exec(line)![1]);

let files: string[];
beforeAll(() => {
  ensureDevelMat();
  files = dumpSeries();
}, 180_000);

describe("heapmat-leakreport on .pmat dumps", () => {
  it("--plain lists exactly pmat-leakreport's candidates, with and without -1", async () => {
    for (const onefile of [false, true]) {
      const theirs = pmatLeakreport(files, onefile);
      const { code, stdout } = await run("--plain", ...(onefile ? ["-1"] : []), ...files);
      expect(code).toBe(0);
      const ours = lines(stdout);
      expect(theirs.length).toBeGreaterThan(onefile ? 10 : 30);
      expect([...ours].sort()).toEqual([...theirs].sort());
      // Oldest first, as pmat-leakreport orders them.
      const numbers = ours.map(dumpNumber);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(new Set(numbers)).toEqual(new Set(onefile ? [2] : [2, 3]));
    }
  });

  it("groups the leaks: the cached hashes held by %main::CACHE, the sessions by themselves", async () => {
    const report = await findLeaks(files);
    const byName = new Map(report.groups.map((g) => [g.name, g]));
    // The leaked thing is the hash, not the REF that points at it.
    const cached = byName.get("HASH")!;
    expect(cached.count).toBe(6);
    expect(cached.perDump).toEqual([0, 3, 3, 0]);
    expect(cached.heldBy[0]).toMatch(/^\(via RV\) value \{req\d+\} of HASH\(\d+\) at 0x[0-9a-f]+$/);
    expect(cached.heldBy.at(-1)).toBe("the symbol '%main::CACHE'");
    // Perl frees by refcount: a session no root reaches is a leaked cycle, not garbage. Its
    // structure holds its scalars and the REF back to itself.
    const sessions = byName.get("My::Session")!;
    expect(sessions.count).toBe(6);
    expect(sessions.objects).toBe(6 * 4);
    expect(sessions.dragsAlong).toEqual([expect.objectContaining({ name: "SCALAR", count: 12 })]);
    expect(sessions.path.at(-1)!.id).toBe(sessions.ids[0]);
    const { stdout } = await run(...files);
    expect(stdout).toMatch(/^#\d My::Session {2}6 leaked/m);
    expect(stdout).toMatch(/^ {3}ids: (0x[0-9a-f]+ ?){5}$/m);
    expect(stdout).toMatch(
      /path: \(roots\) 0x0 .the symbol '%main::CACHE' → HASH 0x[0-9a-f]+ .value \{req/,
    );
  });
});

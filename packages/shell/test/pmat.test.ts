// The shell on Perl's .pmat dumps against pmat on the same files: a leak of hashes through a global
// cache and a self-referencing cycle, dumped by Devel::MAT::Dumper. SVs are named by address.

import { beforeAll, describe, expect, it } from "vitest";
import { dumpPerl, ensureDevelMat, pmat } from "../../analyzer/test/pmat/perl.js";
import { heapmat } from "./run.js";

let cacheFile: string;
let cycleFile: string;

beforeAll(() => {
  ensureDevelMat();
  cacheFile = dumpPerl("cache-leak");
  cycleFile = dumpPerl("cycle");
}, 120_000);

/** Runs shell commands on a file, one process each (as `heapmat FILE COMMAND ARGS…`). */
function ours(file: string, commands: string[]): string[] {
  return commands.map((command) => {
    const run = heapmat([file, ...command.split(" ")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    return run.stdout;
  });
}

/** Holder lines of an identify tree, tree drawing and "which is" removed. */
function steps(answer: string): string[] {
  return answer
    .trimEnd()
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/^[\s│├└─]+/, "").replace(/, which is:$/, ""))
    .map((text) => text.replace(/^(the glob '.*)"$/, "$1'"));
}

/** `$3 SCALAR(PV) at 0x…` listing lines without their `$N` markers. */
const unmarked = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => line.replace(/^\$\d+ +/, ""));

describe("the shell on .pmat dumps, against pmat", () => {
  it("count: the total and every kind's count equal pmat's count", () => {
    const [answer] = pmat(cacheFile, ["count"]);
    const theirs = new Map<string, number>();
    for (const m of answer!.matchAll(/^ {2}(\S+) +(\d+) /gm)) theirs.set(m[1]!, Number(m[2]));
    const [byKind, total] = ours(cacheFile, ["count --by kind --json", "count"]);
    const doc = JSON.parse(byKind!);
    const rows = new Map<string, number>(
      doc.rows.map((r: { key: string; count: number }) => [r.key, r.count]),
    );
    rows.set("(total)", doc.total.count);
    expect(rows).toEqual(theirs);
    expect(total).toMatch(
      new RegExp(`^\\(total\\) +${theirs.get("(total)")!.toLocaleString("en-US")} `, "m"),
    );
  });

  it("largest --self lists pmat's largest SVs, named as pmat names them", () => {
    const [theirs] = pmat(cacheFile, ["largest"]);
    const [mine] = ours(cacheFile, ["largest --self"]);
    const lines = unmarked(mine!);
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 5).sort()).toEqual(theirs!.trimEnd().split("\n").slice(0, 5).sort());
    expect(lines[5]).toBe(theirs!.trimEnd().split("\n")[5]);
  });

  it("roots: pmat's roots, each named as pmat names it", () => {
    const [theirs] = pmat(cacheFile, ["roots"]);
    const doc = JSON.parse(ours(cacheFile, ["roots --json"])[0]!);
    const mine = doc.map(
      (r: { name: string; description: string }) =>
        `${r.name}: ${r.description.replace(/ \([^()]*, retains [^()]*\)$/, "")}`,
    );
    const expected = theirs!
      .split("\n")
      .filter((line) => line.includes(" at 0x"))
      .map((line) => line.replace(/ *: /, ": "));
    expect(mine.length).toBeGreaterThan(30);
    expect(mine.sort()).toEqual(expected.sort());
  });

  it("identify, show, outrefs and inrefs of a cached object, found by address and by value", () => {
    // find: the cached session holding the string "t7", by its scalar's value.
    const [found] = ours(cacheFile, ["find string=t7"]);
    const scalar = /^\$1 SCALAR\(PV\) at (0x[0-9a-f]+)/m.exec(found!)![1]!;
    const [theirIdentify] = pmat(cacheFile, [`identify ${scalar}`]);
    const [mine, show] = ours(cacheFile, [`identify ${scalar}`, `show ${scalar}`]);
    expect(mine!.split("\n")[0]).toBe(
      `${theirIdentify!.split("\n")[0]!.replace(/ is:$/, "")} (50 B, retains 50 B) is:`,
    );
    expect(steps(mine!)).toEqual(steps(theirIdentify!));
    expect(steps(mine!)).toEqual([
      expect.stringMatching(/^value \{when\} of HASH\(3\)=My::Session at 0x/),
      expect.stringMatching(/^\(via RV\) value \{req7\} of HASH\(25\) at 0x/),
      "the symbol '%main::CACHE'",
    ]);
    expect(show).toMatch(/^SCALAR\(PV\) at 0x[0-9a-f]+ \(50 B/);
    // The cache hash's outrefs: the REF in a value is strong, the "via RV" repeat indirect.
    const [cacheOutrefs] = ours(cacheFile, [
      `outrefs ${/of HASH\(25\) at (0x[0-9a-f]+)/.exec(mine!)![1]}`,
    ]);
    expect(cacheOutrefs).toMatch(/^\$\d+ +s +strong +value \{req7\} +REF\(\) at 0x/m);
    expect(cacheOutrefs).toMatch(
      /^\$\d+ +i +indirect +value \{req7\} via RV +HASH\(3\)=My::Session at 0x/m,
    );
    // The session hash that holds it: its outrefs and inrefs, as pmat lists them.
    const session = /of (HASH\(3\)=My::Session at 0x[0-9a-f]+)/.exec(mine!)![1]!;
    const address = /0x[0-9a-f]+/.exec(session)![0];
    const [outrefs, inrefs] = ours(cacheFile, [`outrefs ${address}`, `inrefs ${address}`]);
    const [theirOutrefs, theirInrefs] = pmat(cacheFile, [
      `outrefs --all ${address}`,
      `inrefs --all ${address}`,
    ]);
    const rows = (text: string) =>
      text
        .split("\n")
        .map((line) =>
          /(value \{.*?\}(?: via RV)?|the \w+(?: \w+)?)\s+(\S+ at 0x[0-9a-f]+)/.exec(line),
        )
        .filter((m) => m !== null)
        .map((m) => `${m[1]} ${m[2]}`)
        .sort();
    expect(outrefs).toContain(`${session} has 4 outrefs`);
    expect(rows(outrefs!)).toEqual(rows(theirOutrefs!));
    expect(rows(inrefs!)).toEqual(rows(theirInrefs!));
  });

  it("identify: a self-referencing object is held by itself, as pmat says", () => {
    const [list] = ours(cycleFile, ["find constructor=My::Node --limit 3"]);
    const addresses = [...list!.matchAll(/^\$\d+ HASH\(3\)=My::Node at (0x[0-9a-f]+)/gm)].map(
      (m) => m[1]!,
    );
    expect(addresses).toHaveLength(3);
    const theirs = pmat(
      cycleFile,
      addresses.map((a) => `identify ${a}`),
    );
    const mine = ours(
      cycleFile,
      addresses.map((a) => `identify ${a}`),
    );
    addresses.forEach((address, i) => {
      expect(steps(mine[i]!)).toEqual(steps(theirs[i]!));
      expect(steps(mine[i]!)).toEqual([
        `(via RV) value {me} of HASH(3)=My::Node at ${address}`,
        "itself",
      ]);
    });
  });
});

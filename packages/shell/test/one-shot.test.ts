import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { heapmat } from "./run.js";

const { dir, first, hmat } = inject("snapshots");

describe("heapmat FILE COMMAND (one-shot)", () => {
  it("prints the summary and exits 0", () => {
    const run = heapmat([first, "summary"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^V8 heap snapshot .*first\.heapsnapshot$/m);
    expect(run.stdout).toMatch(/^Heap contains [\d,]+ objects, [\d,]+ references, [\d.]+ [KM]iB$/m);
  });

  it("gives JSON with --json, before the file or after the command", () => {
    for (const args of [
      ["--json", first, "summary"],
      [first, "summary", "--json"],
    ]) {
      const run = heapmat(args);
      expect(run.code).toBe(0);
      const data = JSON.parse(run.stdout);
      expect(data.format).toBe("heapsnapshot");
      expect(data.objects).toBeGreaterThan(1000);
      expect(data.totalSize).toBeGreaterThan(300_000);
    }
  });

  it("reads .hmat dumps, with the process they came from", () => {
    const run = heapmat([hmat, "summary"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^heapmat dump .*small\.hmat\nNode v\d+\.\d+\.\d+, V8 \S+\nProcess \d+ on \S+, dumped for test \(shell\) at \d{4}-/,
    );
    expect(JSON.parse(heapmat([hmat, "summary", "--json"]).stdout)).toMatchObject({
      format: "hmat",
      reason: "test",
      label: "shell",
      pid: expect.any(Number),
    });
    expect(heapmat([hmat, "identify", "global.keep"]).stdout).toMatch(
      /^Map @\d+ .* is:\n└─ a global 'keep'\n$/,
    );
  });

  it("exits 2 on an unknown command, with a suggestion", () => {
    const run = heapmat([first, "sumary"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      "error: unknown command 'sumary' (did you mean 'summary'?) (type 'help' for a list)",
    ]);
  });

  it("exits 2 on an unknown option, with a suggestion", () => {
    const run = heapmat([first, "summary", "--jsn"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("summary: unknown option '--jsn' (did you mean '--json'?)");
  });

  it("exits 2 without a file, printing usage", () => {
    const run = heapmat([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("usage: heapmat");
  });

  it("exits 3 on a missing or unreadable file, in one line and without a stack trace", () => {
    const missing = heapmat([join(dir, "nope.heapsnapshot"), "summary"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^error: .*nope\.heapsnapshot: .*no such file.*\n$/);

    const garbage = join(dir, "garbage.heapsnapshot");
    writeFileSync(garbage, '{"snapshot": {"meta": ');
    const bad = heapmat([garbage, "summary"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(garbage);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it("explains every command with help", () => {
    const list = heapmat([first, "help"]);
    const names = [...list.stdout.matchAll(/^(\S+)\s+- /gm)].map((m) => m[1]!);
    expect(names).toContain("summary");
    for (const line of list.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(heapmat([first, "identify", "--help"]).stdout).toMatch(
      /^identify - .*\n\nSYNOPSIS:\n {2}identify ID/,
    );
    // Every command's help, from one script.
    const run = heapmat([first], names.map((name) => `help ${name}`).join("\n"));
    expect(run.code).toBe(0);
    const pages = run.stdout.split(/\n(?=\S+ - .*\n\nSYNOPSIS:)/);
    expect(pages.map((page) => page.split(" - ")[0])).toEqual(names);
    for (const line of run.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it("names a truncated dump as truncated, and reads what is complete with --salvage", () => {
    const whole = readFileSync(hmat);
    const cut = join(dir, "cut.hmat");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
    const refused = heapmat([cut, "summary"]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/cut\.hmat: at byte \d+: .*\(the file is truncated\)/);
    const salvaged = heapmat(["--salvage", cut, "summary", "--json"]);
    expect(salvaged.code).toBe(0);
    expect(JSON.parse(salvaged.stdout).objects).toBe(
      JSON.parse(heapmat([hmat, "summary", "--json"]).stdout).objects,
    );
  });
});

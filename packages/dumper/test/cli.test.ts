import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, ordersProgram, removeTempDirs, runNode, tempDir, writeApp } from "./helpers.js";

describe("heapmat-dump", () => {
  afterAll(removeTempDirs);

  it("converts .heapsnapshot -> .hmat -> .heapsnapshot, with --json", () => {
    const dir = tempDir();
    const json = join(dir, "a.heapsnapshot");
    const app = writeApp(
      dir,
      "a.cjs",
      `${ordersProgram(500)}require("node:v8").writeHeapSnapshot(${JSON.stringify(json)});`,
    );
    expect(runNode([app]).status).toBe(0);
    const there = runNode([CLI, "convert", json, join(dir, "a.hmat"), "--json"]);
    expect(there.status, there.stderr).toBe(0);
    const result = JSON.parse(there.stdout);
    expect(result.nodes).toBeGreaterThan(1000);
    const back = runNode([CLI, "convert", join(dir, "a.hmat"), join(dir, "b.heapsnapshot")]);
    expect(back.status, back.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "b.heapsnapshot"), "utf8"))).toEqual(
      JSON.parse(readFileSync(json, "utf8")),
    );
    const info = runNode([CLI, "info", join(dir, "a.hmat"), "--json"]);
    expect(JSON.parse(info.stdout)).toMatchObject({ reason: "convert", nodes: result.nodes });
  });

  it("exits 2 on usage errors and 3 on unreadable input, without stack traces", () => {
    const dir = tempDir();
    expect(runNode([CLI]).status).toBe(2);
    expect(runNode([CLI, "convert", "only-one"]).status).toBe(2);
    expect(runNode([CLI, "frobnicate"]).status).toBe(2);
    const missing = runNode([
      CLI,
      "convert",
      join(dir, "missing.heapsnapshot"),
      join(dir, "x.hmat"),
    ]);
    expect(missing.status).toBe(3);
    const bad = join(dir, "bad.heapsnapshot");
    const meta =
      '{"node_fields":["type"],"node_types":[["a"]],"edge_fields":["type"],"edge_types":[["b"]]}';
    writeFileSync(bad, `{"snapshot":{"meta":${meta}},"nodes":[0,0,x]}`);
    const garbage = runNode([CLI, "convert", bad, join(dir, "y.hmat")]);
    expect(garbage.status).toBe(3);
    expect(garbage.stderr).toContain(
      `${bad}: at byte ${35 + meta.length}: expected an integer in "nodes"`,
    );
    expect(garbage.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(bad, '{"snapshot": {"meta": {}}, "nodes": []}');
    const header = runNode([CLI, "convert", bad, join(dir, "y.hmat")]);
    expect(header.status).toBe(3);
    expect(header.stderr).toMatch(
      /at byte 25: expected a "snapshot" header whose meta has node_fields/,
    );
    const truncated = join(dir, "t.hmat");
    writeFileSync(truncated, Buffer.from("HMAT\u0001\u0000\u0000\u0000\u0093", "latin1"));
    const cut = runNode([CLI, "info", truncated]);
    expect(cut.status).toBe(3);
    expect(cut.stderr).toMatch(/t\.hmat: at byte 8: .*truncated/);
    expect(runNode([CLI, "info", truncated, "--debug"]).stderr).toMatch(/\n\s+at /);
  });
});

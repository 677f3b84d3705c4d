// Snapshots written by Node 18, 20, 22 and 24 (V8's .heapsnapshot and the dumper's .hmat), made
// at test time by write-snapshots.ts, read with the counts V8 and the dumper give for them.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeapGraph } from "../../src/graph/heap-graph.js";
import { openSnapshot } from "../../src/node/open.js";
import { type Golden, MAJORS, RECORDS, v8Counts, writeGoldenSnapshots } from "./write-snapshots.js";

let golden: Golden[];

const dir = mkdtempSync(join(tmpdir(), "heapmat-golden-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  golden = writeGoldenSnapshots(dir);
}, 240_000);

const of = (major: string) => golden.find((g) => g.major === major)!;

function countNamed(graph: HeapGraph, name: string): number {
  const object = graph.nodeKinds.indexOf("object");
  let count = 0;
  for (let i = 0; i < graph.nodeCount; i++)
    if (graph.nodeKind[i] === object && graph.strings[graph.nodeName[i]!] === name) count++;
  return count;
}

describe.each(MAJORS)("Node %s", (major) => {
  it("its .heapsnapshot reads with V8's own counts", async () => {
    const g = of(major);
    expect(g.version).toMatch(new RegExp(`^v${major}\\.`));
    const v8 = v8Counts(g.heapsnapshot);
    expect(v8.nodeRows).toBe(v8.nodeCount);
    expect(v8.edgeRows).toBe(v8.edgeCount);
    const graph = await openSnapshot(g.heapsnapshot);
    expect(graph.info.format).toBe("heapsnapshot");
    expect(graph.nodeCount).toBe(v8.nodeCount);
    expect(graph.edgeCount).toBe(v8.edgeCount);
    expect(graph.strings.length).toBe(v8.strings);
    expect(graph.nodeKinds).toEqual(v8.nodeKinds);
    expect(v8.records).toBe(RECORDS);
    expect(countNamed(graph, "GoldenRecord")).toBe(RECORDS);
  });

  it("its .hmat (the dumper under that Node) reads with the dumper's counts", async () => {
    const g = of(major);
    const graph = await openSnapshot(g.hmat);
    expect(graph.info.format).toBe("hmat");
    expect(graph.info.nodeVersion).toBe(g.version);
    expect(graph.nodeCount).toBe(g.dumped.nodes);
    expect(graph.edgeCount).toBe(g.dumped.edges);
    expect(countNamed(graph, "GoldenRecord")).toBe(RECORDS);
  });
});

// The fuzz harness itself: it must be able to see what it reports as absent.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocation, installAllocationBudget, OverBudget } from "./alloc-cap.js";
import { runCampaign } from "./campaign.js";
import { makeCase } from "./mutate.js";
import { graphProblem } from "./run-case.js";
import { makeSeeds, type Seed } from "./seeds.js";

let seeds: Seed[];

const dir = mkdtempSync(join(tmpdir(), "heapmat-harness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  seeds = await makeSeeds(dir, { pmat: false });
}, 120_000);

describe("the fuzz harness", () => {
  it("makes the same case from the same seed and index, and different ones otherwise", () => {
    const a = makeCase(seeds, 42, 7);
    const b = makeCase(seeds, 42, 7);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.steps).toEqual(b.steps);
    const others = [makeCase(seeds, 43, 7), makeCase(seeds, 42, 7 + seeds.length)];
    expect(others.some((c) => !Buffer.from(c.bytes).equals(Buffer.from(a.bytes)))).toBe(true);
  });

  it("refuses an allocation over the budget, and lets one under it through", () => {
    installAllocationBudget();
    allocation.budget = 1 << 20;
    allocation.largest = 0;
    expect(() => new Float64Array(1 << 20)).toThrow(OverBudget);
    allocation.budget = 1 << 20;
    expect(new Uint32Array(1000).length).toBe(1000);
    expect(allocation.largest).toBe(4000);
    allocation.budget = Number.POSITIVE_INFINITY;
  });

  it("reports a case over the time limit as a hang, with its index, and goes on", async () => {
    // A seed whose nodes array holds 1 MB of zeros takes far longer to read than a 1 ms limit.
    const text = new TextDecoder().decode(seeds[0]!.bytes);
    const slow = [
      {
        name: "slow.heapsnapshot",
        bytes: new TextEncoder().encode(text.replace('"nodes":[', `"nodes":[${"0,".repeat(5e5)}`)),
      },
    ];
    // Two neighbouring cases that kept most of it (no early cut).
    let first = 0;
    const big = (i: number) => makeCase(slow, 1, i).bytes.length > 7e5;
    while (!(big(first) && big(first + 1))) first++;
    const report = await runCampaign({
      seeds: slow,
      seed: 1,
      first,
      cases: 2,
      timeoutMs: 1,
      workers: 1,
    });
    expect(report.cases).toBe(2);
    expect(report.counts.hang).toBe(2);
    expect(report.failures.map((f) => [f.kind, f.index])).toEqual([
      ["hang", first],
      ["hang", first + 1],
    ]);
  }, 60_000);

  it("finds a graph whose edges point past its nodes", () => {
    const graph = {
      nodeCount: 1,
      edgeCount: 1,
      strings: ["a"],
      nodeKinds: ["object"],
      edgeKinds: ["property"],
      edgeKindIsIndex: Uint8Array.of(0),
      nodeKind: Uint8Array.of(0),
      nodeName: Uint32Array.of(0),
      nodeId: Float64Array.of(1),
      nodeSelfSize: Float64Array.of(8),
      firstEdge: Uint32Array.of(0, 1),
      edgeKind: Uint8Array.of(0),
      edgeName: Uint32Array.of(0),
      edgeTarget: Uint32Array.of(5),
      rootIndex: 0,
    } as unknown as Parameters<typeof graphProblem>[0];
    expect(graphProblem(graph)).toBe("edge 0's target");
  });
});

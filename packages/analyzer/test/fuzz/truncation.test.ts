// Every truncated file is named as truncated, with an offset no further than the cut; a .hmat
// cut after its nodes is salvaged (`salvage: true`) with the complete sections.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshot } from "../../src/readers/detect.js";
import { bytesSource, SnapshotReadError } from "../../src/readers/source.js";
import { hmatSections } from "./mutate.js";
import { makeSeeds, type Seed } from "./seeds.js";

let seeds: Seed[];
const seedOf = (suffix: string) => seeds.find((s) => s.name.endsWith(suffix))!;

const dir = mkdtempSync(join(tmpdir(), "heapmat-truncation-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  seeds = await makeSeeds(dir);
}, 120_000);

/** Cut points: the first bytes, evenly spread ones, and the last bytes. */
function cuts(length: number, spread = 40): number[] {
  const points = new Set([0, 1, 2, 3, 4, 5, 7, 8, 9, 16, length - 2, length - 1]);
  for (let i = 1; i < spread; i++) points.add(Math.floor((length * i) / spread));
  return [...points].filter((p) => p >= 0 && p < length).sort((a, b) => a - b);
}

async function truncation(name: string, bytes: Uint8Array, salvage = false) {
  try {
    const graph = await readSnapshot(bytesSource(name, bytes), { salvage });
    return { graph, error: null };
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotReadError);
    return { graph: null, error: error as SnapshotReadError };
  }
}

describe("a truncated file is named as truncated, with the offset", () => {
  it.each([".heapsnapshot", ".hmat", ".pmat"])("%s cut anywhere", async (suffix) => {
    const seed = seedOf(suffix);
    for (const cut of cuts(seed.bytes.length)) {
      const { error } = await truncation(seed.name, seed.bytes.subarray(0, cut));
      expect(error, `${seed.name} cut at ${cut}`).not.toBeNull();
      expect(error!.truncated, `${seed.name} cut at ${cut}: ${error!.message}`).toBe(true);
      expect(error!.message).toContain("(the file is truncated)");
      expect(error!.message).toContain(seed.name);
      expect(error!.offset).toBeLessThanOrEqual(cut);
    }
  });

  it(".heapsnapshot.gz cut anywhere", async () => {
    const seed = seedOf(".heapsnapshot.gz");
    for (const cut of cuts(seed.bytes.length)) {
      const { error } = await truncation(seed.name, seed.bytes.subarray(0, cut));
      expect(error!.truncated, `cut at ${cut}: ${error!.message}`).toBe(true);
    }
  });
});

describe("salvage", () => {
  it(".hmat: a file cut after its nodes reads with every complete section", async () => {
    const seed = seedOf(".hmat");
    const whole = await readSnapshot(bytesSource(seed.name, seed.bytes));
    const sections = hmatSections(seed.bytes);
    const nodesEnd = sections.findLast((s) => s.tag === "nodes")!.end;
    const edgesEnd = sections.findLast((s) => s.tag === "edges")!.end;
    for (const cut of [nodesEnd, nodesEnd + 3, edgesEnd, edgesEnd + 1, seed.bytes.length - 1]) {
      const bytes = seed.bytes.subarray(0, cut);
      const { error } = await truncation(seed.name, bytes);
      expect(error!.truncated).toBe(true);
      const { graph } = await truncation(seed.name, bytes, true);
      expect(graph!.nodeCount, `cut at ${cut}`).toBe(whole.nodeCount);
      if (cut >= edgesEnd) expect(graph!.edgeCount).toBe(whole.edgeCount);
      else expect(graph!.edgeCount).toBeLessThan(whole.edgeCount);
      expect([...graph!.nodeId]).toEqual([...whole.nodeId]);
    }
  });

  it(".hmat: a file cut before its first nodes salvages no nodes, or says truncated", async () => {
    const seed = seedOf(".hmat");
    const firstNodes = hmatSections(seed.bytes).find((s) => s.tag === "nodes")!.start;
    for (const cut of [8, firstNodes - 1, firstNodes]) {
      const { graph, error } = await truncation(seed.name, seed.bytes.subarray(0, cut), true);
      if (error) expect(error.truncated, error.message).toBe(true);
      else expect(graph!.nodeCount).toBe(0);
    }
  });
});

// A bounded fuzz campaign over every reader (`pnpm fuzz --cases N` runs a long one), and the
// cases it found, kept as regression tests.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Encoding } from "@heapmat/dumper/format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshot } from "../../src/readers/detect.js";
import { bytesSource, SnapshotReadError } from "../../src/readers/source.js";
import { allocation, installAllocationBudget } from "./alloc-cap.js";
import { runCampaign } from "./campaign.js";
import { rewriteHmatSection } from "./mutate.js";
import { budgetFor } from "./run-case.js";
import { makeSeeds, type Seed } from "./seeds.js";

const CASES = Number(process.env.HEAPMAT_FUZZ_CASES ?? 800);
const SEED = Number(process.env.HEAPMAT_FUZZ_SEED ?? (Math.random() * 0x100000000) >>> 0);

let seeds: Seed[];
const seedOf = (suffix: string) => seeds.find((s) => s.name.endsWith(suffix))!.bytes;

const dir = mkdtempSync(join(tmpdir(), "heapmat-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  seeds = await makeSeeds(dir);
}, 120_000);

describe("fuzzing the readers", () => {
  it(`${CASES} mutated, truncated and random inputs (seed ${SEED}): only typed errors, no hang, no over-allocation`, async () => {
    const report = await runCampaign({
      seeds,
      seed: SEED,
      cases: CASES,
      timeoutMs: 15_000,
      workers: 1,
    });
    const failures = report.failures.map(
      (f) => `${f.kind} in case ${f.index} (${f.seedFile}: ${f.steps.join("; ")}): ${f.detail}`,
    );
    // The seed goes in the message: `pnpm fuzz --seed S --first I --cases 1` replays a case.
    expect(failures, `fuzz seed ${SEED}`).toEqual([]);
    expect(report.cases).toBe(CASES);
    // The mutations reach past the readers' first checks: some files still read, many are
    // rejected, and truncations are named as such.
    expect(report.counts.read).toBeGreaterThan(0);
    expect(report.counts.rejected).toBeGreaterThan(CASES / 4);
    expect(report.truncated).toBeGreaterThan(0);
  }, 300_000);
});

describe("cases the fuzzer found", () => {
  beforeAll(() => installAllocationBudget());

  /** Reads bytes under the fuzzer's allocation budget; returns the typed error. */
  async function rejection(name: string, bytes: Uint8Array): Promise<SnapshotReadError> {
    allocation.budget = budgetFor(bytes);
    try {
      await readSnapshot(bytesSource(name, bytes));
    } catch (error) {
      allocation.budget = Number.POSITIVE_INFINITY;
      expect(error).toBeInstanceOf(SnapshotReadError);
      return error as SnapshotReadError;
    }
    allocation.budget = Number.POSITIVE_INFINITY;
    throw new Error(`${name} was read`);
  }

  const json = (bytes: Uint8Array, edit: (text: string) => string) =>
    new TextEncoder().encode(edit(new TextDecoder().decode(bytes)));

  it.each([
    ["node_count", "9007199254740993"],
    ["edge_count", "2147483648"],
    ["node_count", "4294967295"],
  ])(".heapsnapshot with %s = %s: a count mismatch, not a giant allocation", async (key, huge) => {
    const bytes = json(seedOf(".heapsnapshot"), (t) =>
      t.replace(new RegExp(`"${key}":\\d+`), `"${key}":${huge}`),
    );
    const error = await rejection("huge-count.heapsnapshot", bytes);
    expect(error.message).toMatch(/snapshot\.(node|edge)_count says/);
  });

  const hmatCases: [string, string, (v: Record<string, unknown>) => void, RegExp][] = [
    [
      "a block's row count of 2^31",
      "samples",
      (v) => {
        v.count = 2 ** 31 - 1;
      },
      /"samples" section/,
    ],
    [
      "a node column shorter than its rows",
      "nodes",
      (v) => {
        const column = (v.columns as unknown[][])[3]!;
        column[2] = new Uint8Array(0);
      },
      /"nodes" section/,
    ],
    [
      "a column that is not bytes",
      "nodes",
      (v) => {
        (v.columns as unknown[][])[0]![2] = null;
      },
      /"nodes" section/,
    ],
    [
      "string lengths that do not match the text",
      "strings",
      (v) => {
        v.lengths = Uint8Array.of(160, 141, 69, 42, 96, 224, 129);
      },
      /"strings" section/,
    ],
    [
      "a v8 section without meta",
      "v8",
      (v) => {
        v.meta = 1;
      },
      /"v8" section/,
    ],
  ];
  it.each(hmatCases)(
    ".hmat with %s: a typed error naming the section",
    async (_, tag, edit, expected) => {
      const bytes = rewriteHmatSection(seedOf(".hmat"), tag, edit);
      const error = await rejection("edited.hmat", bytes);
      expect(error.message).toMatch(expected);
      expect(error.offset).toBeGreaterThan(0);
      expect(error.offset).toBeLessThan(bytes.length);
    },
  );

  it(".pmat with a CODE's pad depth of 2^29: a typed error, not a pad list walked to that depth", async () => {
    // Pad records are [0x08, depth (uint), pad (ptr)]: make each depth-1 record's depth huge.
    const seed = seedOf(".pmat");
    const depthOne = [0x08, 1, 0, 0, 0, 0, 0, 0, 0];
    const messages: string[] = [];
    for (
      let at = seed.indexOf(depthOne[0]!);
      at >= 0 && messages.length < 20;
      at = seed.indexOf(0x08, at + 1)
    ) {
      if (!depthOne.every((b, i) => seed[at + i] === b)) continue;
      const bytes = seed.slice();
      bytes[at + 4] = 0x20; // depth 2^29 + 1
      messages.push((await rejection("pads.pmat", bytes)).message);
    }
    expect(messages.some((m) => m.includes("a pad depth from 1 to 1, not 536870913"))).toBe(true);
  });

  it(".hmat with node edge counts of 2^31: no owner table of that size", async () => {
    const bytes = rewriteHmatSection(seedOf(".hmat"), "nodes", (v) => {
      const column = (v.columns as [string, number, Uint8Array][]).find(
        (c) => c[0] === "edge_count",
      )!;
      column[1] = Encoding.Varint;
      const twoTo31 = [0x80, 0x80, 0x80, 0x80, 0x08];
      column[2] = Uint8Array.from(Array.from({ length: v.count as number }, () => twoTo31).flat());
    });
    const error = await rejection("edges.hmat", bytes);
    expect(error.message).toMatch(/edge/);
  });
});

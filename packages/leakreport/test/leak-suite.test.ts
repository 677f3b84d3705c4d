import { dirname, join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import {
  findLeaks,
  type LeakGroup,
  type LeakReport,
  type PathStep,
  parseStats,
} from "../src/index.js";
import { CONTROLS } from "./global-setup.js";

const suite = inject("leakSuite");
const reports = new Map<string, Promise<LeakReport>>();
/** Each program's report, computed once per file. */
function report(name: string): Promise<LeakReport> {
  let pending = reports.get(name);
  if (!pending) {
    pending = findLeaks(suite[name]!.files);
    reports.set(name, pending);
  }
  return pending;
}

/** Each leak: the class its top group must name, and a path step that names what holds it. */
const EXPECTED: Array<{ program: string; name: string; holder: (step: PathStep) => boolean }> = [
  { program: "map-cache", name: "SessionRecord", holder: (s) => s.edge === "sessions" },
  { program: "listeners", name: "onConfigChange()", holder: (s) => s.edge === "configBus" },
  { program: "timers", name: "Timeout", holder: (s) => s.node === "TimersList" },
  { program: "shared-closure", name: "Thing", holder: (s) => s.edge === "previous" },
  { program: "promises", name: "{resolve, job}", holder: (s) => s.edge === "waiters" },
  { program: "registry", name: "Connection", holder: (s) => s.edge === "registry" },
  { program: "log-strings", name: "string", holder: (s) => s.edge === "auditLog" },
  { program: "buffers", name: "Buffer", holder: (s) => s.edge === "thumbnails" },
  { program: "callback-table", name: "Map", holder: (s) => s.edge === "globalCallbackData" },
];

describe("the leak suite: real programs, real dumps, one per iteration", () => {
  it.each(EXPECTED)(
    "$program: the top group is $name, with its holder on the path",
    async ({ program, name, holder }) => {
      const { groups, mode, dumps } = await report(program);
      expect(mode).toBe("growth");
      expect(dumps).toHaveLength(5);
      const top = groups[0]!;
      expect(top.name).toBe(name);
      expect(top.path.some(holder)).toBe(true);
      // The path runs from the root to the representative top, and names real ids.
      expect(top.path[0]!.edge).toBe("");
      expect(top.path.at(-1)!.id).toBe(top.ids[0]);
      expect(top.retainedSize).toBeGreaterThan(0);
      expect(top.heldBy.length).toBeGreaterThan(0);
      expect(top.allocation).toBeNull();
    },
  );

  it.each(CONTROLS)("%s: no leak is reported", async (program) => {
    const { groups, suppressed } = await report(program);
    expect(groups).toEqual([]);
    // It did see the cache turn over or fill, and held it back as a cache that stopped growing.
    expect(suppressed.stoppedGrowing).toBeGreaterThan(0);
    const all = await findLeaks(suite[program]!.files, { all: true });
    expect(all.groups.length).toBeGreaterThan(0);
  });

  it("counts new structures per dump for a steady leak", async () => {
    const top = (await report("map-cache")).groups[0]!;
    // 40 sessions per iteration; the first dump has no predecessor, the last only confirms.
    expect(top.perDump).toEqual([0, 40, 40, 40, 0]);
    expect(top.count).toBe(120);
    expect(top.steadiness).toBe(1);
  });

  it("reports the top of each leaked structure, with what it drags along", async () => {
    const table = (await report("callback-table")).groups[0]!;
    expect(table.dragsAlong.map((d) => d.name)).toContain("StatusCallbackData");
    expect(table.objects).toBeGreaterThan(table.count);
    // The chain of Things is one structure: each holds the one before it.
    const chain = (await report("shared-closure")).groups[0]!;
    expect(chain.count).toBe(1);
    expect(chain.dragsAlong.find((d) => d.name === "Thing")?.count).toBeGreaterThan(1);
  });

  it("folds a Map's leaking keys into the entries they belong to", async () => {
    const { groups } = await report("map-cache");
    expect(groups.filter((g) => g.name === "string")).toEqual([]);
    expect(groups[0]!.dragsAlong.map((d) => d.name)).toContain("string");
  });

  it("leaves out V8 internals", async () => {
    for (const program of EXPECTED.map((e) => e.program)) {
      const { groups, candidates } = await report(program);
      expect(groups.map((g) => g.kind)).not.toContain("code");
      expect(groups.map((g) => g.kind)).not.toContain("hidden");
      expect(candidates.some((c) => c.name.startsWith("system /"))).toBe(false);
    }
  });

  it("says that external memory grows when Buffers leak", async () => {
    const run = suite.buffers!;
    const result = await findLeaks(run.files, { stats: parseStats(run.stats) });
    expect(result.memory?.verdict).toBe("external");
  });
});

describe("allocation stacks (--track-heap-objects)", () => {
  const cases = [
    { program: "map-cache", name: "SessionRecord", allocator: "handleRequest" },
    { program: "callback-table", name: "Map", allocator: "callbackDataPut" },
    { program: "listeners", name: "onConfigChange()", allocator: "handleRequest" },
  ];
  it.each(cases)(
    "$program: $allocator is in the top group's stack",
    async ({ program, name, allocator }) => {
      const top = (await report(`${program}+alloc`)).groups[0] as LeakGroup;
      expect(top.name).toBe(name);
      const functions = top.allocation?.map((frame) => frame.function) ?? [];
      expect(functions).toContain(allocator);
      const frame = top.allocation!.find((f) => f.function === allocator)!;
      expect(frame.url).toMatch(new RegExp(`${program}\\.mjs$`));
      expect(frame.line).toBeGreaterThan(0);
    },
  );
});

describe("fewer dumps", () => {
  it("with -1, keeps only the first dump that adds candidates", async () => {
    const result = await findLeaks(suite["map-cache"]!.files, { onefile: true });
    expect(result.groups[0]!.perDump).toEqual([0, 40, 0, 0, 0]);
    expect(new Set(result.candidates.map((c) => c.generation))).toEqual(new Set([1]));
  });

  it("with two dumps, diffs by constructor and asks for a third", async () => {
    const files = suite["map-cache"]!.files.slice(-2);
    const result = await findLeaks(files);
    expect(result.mode).toBe("diff");
    const row = result.diff!.find((r) => r.name === "SessionRecord")!;
    expect(row.countAfter - row.countBefore).toBe(40);
    expect(result.notes.join(" ")).toMatch(/third dump would separate leaks from churn/);
  });

  it("with one dump, finds the suspect and its accumulation point", async () => {
    const result = await findLeaks(suite.buffers!.files.slice(-1));
    expect(result.mode).toBe("suspects");
    const suspect = result.groups[0]!;
    expect(suspect.name).toBe("Array");
    expect(suspect.suspect!.share).toBeGreaterThan(0.1);
    expect(suspect.suspect!.accumulation.contents[0]!.name).toBe("Buffer");
    expect(suspect.path.some((s) => s.edge === "thumbnails")).toBe(true);
  });

  it("finds no suspect in a heap without a dominant structure", async () => {
    const result = await findLeaks(suite["flat-cache-control"]!.files.slice(-1));
    expect(result.groups).toEqual([]);
  });
});

describe("refusing dumps that cannot be compared", () => {
  it("refuses dumps in the wrong order", async () => {
    const files = [...suite["map-cache"]!.files].reverse();
    await expect(findLeaks(files)).rejects.toThrow(/not in time order/);
    await expect(findLeaks(files, { force: true })).resolves.toBeDefined();
  });

  it("refuses dumps of two different processes", async () => {
    const a = suite["map-cache"]!.files;
    const b = suite.registry!.files;
    await expect(findLeaks([a[0]!, a[1]!, b[2]!, b[3]!])).rejects.toThrow(
      /different processes|not in time order/,
    );
  });

  it("refuses a pair as soon as it is read, before the dumps after it", async () => {
    const a = suite["map-cache"]!.files;
    const b = suite.registry!.files;
    const missing = join(dirname(a[0]!), "never-written.heapsnapshot");
    await expect(findLeaks([a[0]!, b[1]!, missing])).rejects.toThrow(
      /different processes|not in time order/,
    );
  });
});

describe("progress", () => {
  it("reads the dumps in order, then analyses once, last", async () => {
    for (const program of ["map-cache", "map-cache+hmat"]) {
      const events: Array<{ phase: string; index: number; done: number }> = [];
      await findLeaks(suite[program]!.files, {
        onProgress: ({ phase, index, done }) => events.push({ phase, index, done }),
      });
      const analyses = events.filter((e) => e.phase === "analyse");
      expect(analyses, program).toHaveLength(1);
      expect(events.at(-1)!.phase, program).toBe("analyse");
      const reads = events.filter((e) => e.phase === "read");
      expect(new Set(reads.map((e) => e.index)), program).toEqual(new Set([0, 1, 2, 3, 4]));
      for (let i = 1; i < reads.length; i++) {
        const [a, b] = [reads[i - 1]!, reads[i]!];
        expect(b.index > a.index || (b.index === a.index && b.done >= a.done), program).toBe(true);
      }
    }
  });
});

describe(".hmat dumps from heapmat's dumper", () => {
  it("finds the leak, with the dumper's allocation stacks and the process's memory figures", async () => {
    const result = await report("map-cache+hmat");
    expect(result.dumps.every((d) => d.format === "hmat")).toBe(true);
    expect(new Set(result.dumps.map((d) => d.pid)).size).toBe(1);
    const top = result.groups[0]!;
    expect(top.name).toBe("SessionRecord");
    expect(top.path.some((s) => s.edge === "sessions")).toBe(true);
    expect(top.allocation?.map((f) => f.function)).toContain("handleRequest");
    // .hmat keeps names even when read for ids: the class can be counted in every dump.
    expect(top.population).toHaveLength(5);
    expect(top.population![4]! - top.population![0]!).toBe(160);
    expect(result.memory?.samples).toBe(5);
  });

  it("reports nothing for the LRU control", async () => {
    expect((await report("lru-control+hmat")).groups).toEqual([]);
  });

  it("refuses dumps of two processes by their pids", async () => {
    const a = suite["map-cache+hmat"]!.files;
    const b = suite["lru-control+hmat"]!.files;
    await expect(findLeaks([a[0]!, a[1]!, b[2]!])).rejects.toThrow(
      /come from different processes \(pid \d+ and \d+\)/,
    );
  });

  it("reads a series that mixes .hmat and .heapsnapshot", async () => {
    const result = await report("registry+mixed");
    expect(new Set(result.dumps.map((d) => d.format))).toEqual(new Set(["hmat", "heapsnapshot"]));
    expect(result.groups[0]!.name).toBe("Connection");
    expect(result.groups[0]!.perDump).toEqual([0, 30, 30, 30, 0]);
  });
});

import { readFileSync, writeFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import { convertFile } from "@heapmat/dumper";
import { Packr, Unpackr } from "msgpackr";
import { beforeAll, describe, expect, it } from "vitest";
import { hmatSections } from "../../test/fuzz/mutate.js";
import { sameBytes } from "../../test/same-bytes.js";
import { takeSnapshot } from "../../test/take-snapshot.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readHmat } from "../readers/hmat.js";
import {
  claimedBack,
  type HmatEdgesElsewhere,
  type HmatEdgesOutcome,
} from "../readers/hmat-edges.js";
import { frameHeader } from "../readers/hmat-sections.js";
import { SnapshotReadError } from "../readers/source.js";
import { inflate } from "./inflate.js";
import { fileSource, hmatEdgesOnThread } from "./open.js";

// The worker loads the built thread file, so this runs the thread as built (turbo builds first).
const thread = new URL("../../dist/node/hmat-edges-thread.js", import.meta.url);

/**
 * The file read with its last edge blocks on the thread, and what the thread reported. Given its
 * work, the thread claims the last of the file's `blocks` edge blocks before the reader goes on
 * (else, on a small file, the reader could decode every block before the thread has started).
 */
async function readThreaded(
  file: string,
  blocks?: number,
): Promise<{ graph: HeapGraph; outcome: unknown }> {
  const elsewhere = hmatEdgesOnThread(file, thread);
  expect(elsewhere, "the thread's file is built").toBeDefined();
  let outcome: Promise<HmatEdgesOutcome> | undefined;
  const watched: HmatEdgesElsewhere = {
    start(job) {
      const work = elsewhere!.start(job);
      outcome = work.done;
      const claims = job.claims;
      for (let waited = 0; blocks && waited < 10_000 && claimedBack(claims) >= blocks; waited++)
        Atomics.wait(claims, 1, claimedBack(claims), 1);
      return work;
    },
  };
  try {
    const graph = await readHmat(await fileSource(file), { inflate }, watched);
    return { graph, outcome: await outcome };
  } finally {
    elsewhere!.close();
  }
}

const readOneThread = async (file: string) => readHmat(await fileSource(file), { inflate });

/** A read's error as plain fields, to compare. */
function failureOf(error: unknown) {
  expect(error).toBeInstanceOf(SnapshotReadError);
  const { file, offset, expected, truncated, message } = error as SnapshotReadError;
  return { file, offset, expected, truncated, message };
}

/** The error a read throws, as plain fields. */
async function failure(read: Promise<unknown>) {
  return failureOf(
    await read.then(
      () => null,
      (error: unknown) => error,
    ),
  );
}

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });
const packr = new Packr({ useRecords: false });

/** One section's bytes with its value changed by `edit`, framed as the writer frames it. */
function rewritten(
  bytes: Buffer,
  section: { tag: string; start: number; end: number },
  edit: (value: Record<string, unknown>) => void,
): Buffer {
  const framing = frameHeader(bytes.subarray(section.start), () => {
    throw new Error("not a section");
  })!;
  const at = section.start + framing.at;
  const value = unpackr.unpack(inflateSync(bytes.subarray(at, at + framing.length)));
  edit(value);
  const raw = packr.pack(value);
  return packr.pack([section.tag, raw.length, deflateSync(raw)]);
}

describe("a .hmat file's edge blocks decoded on a second thread, from the last one back", () => {
  let file: string;
  let bytes: Buffer;
  let edges: Array<{ tag: string; start: number; end: number }>;

  beforeAll(async () => {
    const snapshot = takeSnapshot(`
      class Leaf { constructor(i) { this.text = "leaf-" + i; this.next = null; this.list = [i]; } }
      const leaves = [];
      for (let i = 0; i < 60000; i++) leaves.push(new Leaf(i));
      for (let i = 1; i < leaves.length; i += 7) leaves[i - 1].next = leaves[i];
      globalThis.byName = new Map(leaves.map((leaf, i) => [String(i), leaf]));
    `);
    file = snapshot.replace(/\.heapsnapshot$/, ".hmat");
    await convertFile(snapshot, file);
    bytes = readFileSync(file);
    edges = hmatSections(bytes).filter((s) => s.tag === "edges");
  }, 120_000);

  /** A copy of the .hmat, changed by `edit`, in the same temp folder. */
  function variant(name: string, edit: (copy: Buffer) => Buffer): string {
    const path = file.replace(/\.hmat$/, `-${name}.hmat`);
    writeFileSync(path, edit(Buffer.from(bytes)));
    return path;
  }

  /** The file with one section replaced. */
  const replaced = (copy: Buffer, section: { start: number; end: number }, by: Buffer) =>
    Buffer.concat([copy.subarray(0, section.start), by, copy.subarray(section.end)]);

  it("gives the same graph as one thread, column by column", async () => {
    expect(edges.length, "edges sections").toBeGreaterThanOrEqual(4);
    const { graph, outcome } = await readThreaded(file, edges.length);
    const reference = await readOneThread(file);
    // The thread decoded the last blocks, the reader the first one at least.
    expect(outcome).toMatchObject({ blocks: expect.any(Number) });
    const { blocks, start } = outcome as { blocks: number; start: number };
    expect(blocks).toBeGreaterThanOrEqual(1);
    expect(blocks).toBeLessThanOrEqual(edges.length);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(reference.edgeCount);
    expect(graph.edgeCount).toBe(reference.edgeCount);
    for (const column of [
      "nodeKind",
      "nodeName",
      "nodeId",
      "nodeSelfSize",
      "firstEdge",
      "edgeKind",
      "edgeName",
      "edgeTarget",
    ] as const)
      expect(sameBytes(graph[column], reference[column]), column).toBe(true);
    expect(graph.strings).toEqual(reference.strings);
    expect(graph.nodeCount).toBe(reference.nodeCount);
  });

  it("reports a corrupt last edge block at its offset, as one thread does", async () => {
    const last = edges.at(-1)!;
    // A byte in the middle of its zlib body: it no longer inflates.
    const at = last.start + Math.floor((last.end - last.start) / 2);
    const path = variant("bad-last", (copy) => copy.fill(copy[at]! ^ 0xff, at, at + 1));
    const threaded = await failure(readThreaded(path, edges.length));
    expect(threaded.offset).toBe(last.start);
    expect(threaded.expected).toContain('"edges" section');
    expect(threaded.message).toContain(path);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reports the first corrupt edge block when a later one is corrupt too", async () => {
    const second = edges[1]!;
    const last = edges.at(-1)!;
    const path = variant("bad-two", (copy) => {
      for (const s of [second, last]) {
        const at = s.start + Math.floor((s.end - s.start) / 2);
        copy.fill(copy[at]! ^ 0xff, at, at + 1);
      }
      return copy;
    });
    const threaded = await failure(readThreaded(path, edges.length));
    expect(threaded.offset).toBe(second.start);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reports a late block's column that does not decode at its offset", async () => {
    const late = edges.at(-2)!;
    const path = variant("bad-column", (copy) =>
      replaced(
        copy,
        late,
        rewritten(copy, late, (value) => {
          // A varint that never ends: every byte has its high bit set.
          const columns = value.columns as Array<[string, number, Uint8Array]>;
          const target = columns.find((c) => c[0] === "to_node")!;
          target[2] = new Uint8Array(target[2].length).fill(0xff);
        }),
      ),
    );
    const threaded = await failure(readThreaded(path, edges.length));
    expect(threaded.offset).toBe(late.start);
    expect(threaded.expected).toContain('column "to_node"');
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reports edge blocks whose counts do not add up, as one thread does", async () => {
    // One row less in the last block: the thread's rows would start one late, so the reader,
    // where they meet, decodes the rest itself, and finds one edge missing.
    const last = edges.at(-1)!;
    const path = variant("short-count", (copy) =>
      replaced(
        copy,
        last,
        rewritten(copy, last, (value) => {
          value.count = (value.count as number) - 1;
        }),
      ),
    );
    const threaded = await failure(readThreaded(path, edges.length));
    expect(threaded.expected).toMatch(/^the nodes' edge counts to add up to the (\d+) edges/);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reads edge blocks changed in other ways as one thread does, graph or error", async () => {
    type Column = [string, number, Uint8Array];
    const column = (value: Record<string, unknown>, name: string) =>
      (value.columns as Column[]).find((c) => c[0] === name)!;
    const changes: Array<(value: Record<string, unknown>) => void> = [
      (value) => {
        value.count = (value.count as number) + 1;
      },
      (value) => {
        value.count = 1000;
      },
      (value) => {
        const data = column(value, "to_node")[2];
        data[data.length >> 1] = 0x7f;
      },
      (value) => {
        column(value, "name_or_index")[1] = 0; // Delta read as Varint
      },
    ];
    const cases = [1, edges.length - 1].flatMap((section) =>
      changes.map((change) => ({ section, change })),
    );
    for (const [i, { section, change }] of cases.entries()) {
      const path = variant(`changed-${i}`, (copy) =>
        replaced(copy, edges[section]!, rewritten(copy, edges[section]!, change)),
      );
      const threaded = await readThreaded(path, edges.length).then(({ graph }) => graph, failureOf);
      const reference = await readOneThread(path).then((graph) => graph, failureOf);
      if (!("edgeTarget" in threaded) || !("edgeTarget" in reference)) {
        expect(threaded, `case ${i}`).toEqual(reference);
        continue;
      }
      for (const name of ["firstEdge", "edgeKind", "edgeName", "edgeTarget"] as const)
        expect(sameBytes(threaded[name], reference[name]), `case ${i}: ${name}`).toBe(true);
    }
  });

  it("reports a file cut inside the edges as truncated, as one thread does", async () => {
    const late = edges.at(-2)!;
    const cut = late.start + 10;
    const path = variant("cut", (copy) => copy.subarray(0, cut));
    const threaded = await failure(readThreaded(path));
    expect(threaded).toMatchObject({ offset: late.start, truncated: true });
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });
});

describe("openSnapshot's .hmat edges thread", () => {
  it("is taken from the size threshold on, and reads the same graph", async () => {
    type NodeLayer = typeof import("./index.js");
    const built = "../../dist/node/index.js";
    const node = (await import(/* @vite-ignore */ built)) as NodeLayer;
    const snapshot = takeSnapshot(
      `globalThis.items = Array.from({ length: 40000 }, (_, i) => ({ i, name: "item " + i }));`,
    );
    const file = snapshot.replace(/\.heapsnapshot$/, ".hmat");
    await convertFile(snapshot, file);
    const threaded = await node.openSnapshot(file, { edgesThreadMinBytes: 0 });
    const reference = await node.openSnapshot(file, { edgesThreadMinBytes: Infinity });
    expect(threaded.edgeCount).toBeGreaterThan(1 << 17);
    expect(sameBytes(threaded.edgeTarget, reference.edgeTarget)).toBe(true);
    expect(sameBytes(threaded.edgeName, reference.edgeName)).toBe(true);
    expect(sameBytes(threaded.firstEdge, reference.firstEdge)).toBe(true);
  });
});

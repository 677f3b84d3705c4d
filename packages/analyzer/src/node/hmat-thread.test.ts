import { readFileSync, writeFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import { convertFile } from "@heapmat/dumper";
import { Packr, Unpackr } from "msgpackr";
import { beforeAll, describe, expect, it } from "vitest";
import { hmatSections } from "../../test/fuzz/mutate.js";
import { graphDifferences } from "../../test/same-bytes.js";
import { takeSnapshot } from "../../test/take-snapshot.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { readHmat } from "../readers/hmat.js";
import { claimedBack, type HmatElsewhere, type HmatOutcome } from "../readers/hmat-meet.js";
import { frameHeader } from "../readers/hmat-sections.js";
import { type ReadOptions, SnapshotReadError } from "../readers/source.js";
import { inflate } from "./inflate.js";
import { fileSource, hmatOnThread } from "./open.js";

// The worker loads the built thread file, so this runs the thread as built (turbo builds first).
const thread = new URL("../../dist/node/hmat-thread.js", import.meta.url);

type Table = "nodes" | "edges";

/**
 * The file read with its last node and edge blocks on the thread, and what the thread reported
 * for each table. Given a table's work, the thread claims the last of its `blocks[table]` blocks
 * before the reader goes on (else, on a small file, the reader could decode every block before
 * the thread has started).
 */
async function readThreaded(
  file: string,
  blocks?: Record<Table, number>,
  options: ReadOptions = {},
): Promise<{ graph: HeapGraph; outcomes: Partial<Record<Table, HmatOutcome>> }> {
  const elsewhere = hmatOnThread(file, thread);
  expect(elsewhere, "the thread's file is built").toBeDefined();
  const outcomes: Partial<Record<Table, Promise<HmatOutcome>>> = {};
  const watched: HmatElsewhere = {
    start(job) {
      const work = elsewhere!.start(job);
      outcomes[job.table] = work.done;
      const { claims } = job;
      const last = blocks?.[job.table] ?? -1;
      for (let waited = 0; last >= 0 && waited < 10_000 && claimedBack(claims) >= last; waited++)
        Atomics.wait(claims, 1, claimedBack(claims), 1);
      return work;
    },
  };
  try {
    const graph = await readHmat(await fileSource(file), { inflate, ...options }, watched);
    return {
      graph,
      outcomes: { nodes: await outcomes.nodes, edges: await outcomes.edges },
    };
  } finally {
    elsewhere!.close();
  }
}

const readOneThread = async (file: string, options: ReadOptions = {}) =>
  readHmat(await fileSource(file), { inflate, ...options });

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

describe("a .hmat file's node and edge blocks decoded on a second thread, from the last one back", () => {
  let file: string;
  let bytes: Buffer;
  let nodes: Array<{ tag: string; start: number; end: number }>;
  let edges: Array<{ tag: string; start: number; end: number }>;
  /** How many blocks of each table. */
  let blocks: Record<Table, number>;

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
    nodes = hmatSections(bytes).filter((s) => s.tag === "nodes");
    edges = hmatSections(bytes).filter((s) => s.tag === "edges");
    blocks = { nodes: nodes.length, edges: edges.length };
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
    expect(blocks.nodes, "nodes sections").toBeGreaterThanOrEqual(3);
    expect(blocks.edges, "edges sections").toBeGreaterThanOrEqual(4);
    const { graph, outcomes } = await readThreaded(file, blocks);
    const reference = await readOneThread(file);
    // For each table, the thread decoded the last blocks.
    for (const table of ["nodes", "edges"] as const) {
      const outcome = outcomes[table] as { blocks: number; start: number };
      expect(outcome, table).toMatchObject({ blocks: expect.any(Number) });
      expect(outcome.blocks).toBeGreaterThanOrEqual(1);
      expect(outcome.blocks).toBeLessThanOrEqual(blocks[table]);
      expect(outcome.start).toBeLessThan(
        table === "nodes" ? reference.nodeCount : reference.edgeCount,
      );
    }
    expect(graphDifferences(graph, reference)).toEqual([]);
  });

  it("reads ids only with the node blocks split, and no edges, as one thread does", async () => {
    const { graph, outcomes } = await readThreaded(file, blocks, { idsOnly: true });
    const nodes = outcomes.nodes as { blocks: number };
    expect(nodes, "the thread decoded the last node blocks").toMatchObject({
      blocks: expect.any(Number),
    });
    expect(nodes.blocks).toBeGreaterThanOrEqual(1);
    expect(outcomes.edges, "no edge work").toBeUndefined();
    expect(graph.edgeCount).toBe(0);
    expect(graphDifferences(graph, await readOneThread(file, { idsOnly: true }))).toEqual([]);
  });

  it("reports a corrupt last edge block at its offset, as one thread does", async () => {
    const last = edges.at(-1)!;
    // A byte in the middle of its zlib body: it no longer inflates.
    const at = last.start + Math.floor((last.end - last.start) / 2);
    const path = variant("bad-last", (copy) => copy.fill(copy[at]! ^ 0xff, at, at + 1));
    const threaded = await failure(readThreaded(path, blocks));
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
    const threaded = await failure(readThreaded(path, blocks));
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
    const threaded = await failure(readThreaded(path, blocks));
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
    const threaded = await failure(readThreaded(path, blocks));
    expect(threaded.expected).toMatch(/^the nodes' edge counts to add up to the (\d+) edges/);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reads node and edge blocks changed in other ways as one thread does", async () => {
    type Column = [string, number, Uint8Array];
    type Change = (value: Record<string, unknown>) => void;
    const column = (value: Record<string, unknown>, name: string) =>
      (value.columns as Column[]).find((c) => c[0] === name)!;
    const counts: Change[] = [
      (value) => {
        value.count = (value.count as number) + 1;
      },
      (value) => {
        value.count = (value.count as number) - 1;
      },
      (value) => {
        value.count = 1000;
      },
    ];
    const changes: Record<Table, Change[]> = {
      nodes: [
        ...counts,
        (value) => {
          const data = column(value, "edge_count")[2];
          data[data.length >> 1] = 0x7f;
        },
        (value) => {
          column(value, "id")[1] = 0; // Delta read as Varint
        },
      ],
      edges: [
        ...counts,
        (value) => {
          const data = column(value, "to_node")[2];
          data[data.length >> 1] = 0x7f;
        },
        (value) => {
          column(value, "name_or_index")[1] = 0;
        },
      ],
    };
    const cases = (["nodes", "edges"] as const).flatMap((table) => {
      const sections = table === "nodes" ? nodes : edges;
      return [sections[1]!, sections.at(-1)!].flatMap((section) =>
        changes[table].map((change) => ({ section, change })),
      );
    });
    for (const [i, { section, change }] of cases.entries()) {
      const path = variant(`changed-${i}`, (copy) =>
        replaced(copy, section, rewritten(copy, section, change)),
      );
      const threaded = await readThreaded(path, blocks).then(({ graph }) => graph, failureOf);
      const reference = await readOneThread(path).then((graph) => graph, failureOf);
      if (!("edgeTarget" in threaded) || !("edgeTarget" in reference)) {
        expect(threaded, `case ${i}`).toEqual(reference);
        continue;
      }
      expect(graphDifferences(threaded, reference), `case ${i}`).toEqual([]);
    }
  });

  it("reads a file whose node_count is one short as one thread does", async () => {
    // The thread's node rows would start one early, over the reader's last: neither may write
    // rows the other reserved, so the reader, where they meet, decodes the rest itself.
    const v8 = hmatSections(bytes).find((s) => s.tag === "v8")!;
    const path = variant("node-count", (copy) =>
      replaced(
        copy,
        v8,
        rewritten(copy, v8, (value) => {
          value.node_count = (value.node_count as number) - 1;
        }),
      ),
    );
    const { graph } = await readThreaded(path, blocks);
    const reference = await readOneThread(path);
    expect(graphDifferences(graph, reference)).toEqual([]);
  });

  it("clears the rows it takes back from the thread, for columns of zeros it leaves unwritten", async () => {
    // As above, and the block before the last has self sizes of all zeros: the reader, taking
    // that block back, leaves its rows as they are, so the thread's values must not be there.
    const v8 = hmatSections(bytes).find((s) => s.tag === "v8")!;
    const zeroed = nodes.at(-2)!;
    const path = variant("node-count-zeros", (copy) => {
      const sizes = rewritten(copy, zeroed, (value) => {
        const column = (value.columns as Array<[string, number, Uint8Array]>).find(
          ([name]) => name === "self_size",
        )!;
        column[1] = 0;
        column[2] = new Uint8Array(value.count as number);
      });
      const count = rewritten(copy, v8, (value) => {
        value.node_count = (value.node_count as number) - 1;
      });
      // The later section first, so that the earlier one's offsets still hold.
      return replaced(replaced(copy, zeroed, sizes), v8, count);
    });
    const { graph } = await readThreaded(path, blocks);
    const reference = await readOneThread(path);
    expect(reference.nodeSelfSize.subarray(-20_000).some((size) => size === 0)).toBe(true);
    expect(graphDifferences(graph, reference)).toEqual([]);
  });

  it("reports a corrupt last node block at its offset, as one thread does", async () => {
    const last = nodes.at(-1)!;
    const at = last.start + Math.floor((last.end - last.start) / 2);
    const path = variant("bad-last-nodes", (copy) => copy.fill(copy[at]! ^ 0xff, at, at + 1));
    const threaded = await failure(readThreaded(path, blocks));
    expect(threaded.offset).toBe(last.start);
    expect(threaded.expected).toContain('"nodes" section');
    expect(threaded).toEqual(await failure(readOneThread(path)));
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

describe("openSnapshot's .hmat thread", () => {
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
    expect(graphDifferences(threaded, reference)).toEqual([]);
  });
});

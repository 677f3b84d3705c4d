import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { graphDifferences } from "../../test/same-bytes.js";
import { LEAVES_PROGRAM, takeSnapshot } from "../../test/take-snapshot.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { type EdgesElsewhere, readHeapSnapshot } from "../readers/heapsnapshot.js";
import { SnapshotReadError } from "../readers/source.js";
import { edgesOnThread, fileSource } from "./open.js";

// The worker loads the built thread file, so this runs the thread as built (turbo builds first).
const thread = new URL("../../dist/node/edges-thread.js", import.meta.url);

/** The file read with its edges on the thread; fails the test if the thread was not used. */
async function readThreaded(file: string): Promise<HeapGraph> {
  const elsewhere = edgesOnThread(file, thread);
  expect(
    elsewhere,
    "the thread's file is built and the file laid out as V8 writes it",
  ).toBeDefined();
  let started = 0;
  const counting: EdgesElsewhere = {
    ...elsewhere!,
    start: (job) => {
      started++;
      return elsewhere!.start(job);
    },
  };
  try {
    return await readHeapSnapshot(await fileSource(file, { recycle: true }), {}, counting);
  } finally {
    elsewhere!.close();
    expect(started).toBe(1);
  }
}

const readOneThread = async (file: string) => readHeapSnapshot(await fileSource(file));

/** The error a read throws, as plain fields. */
async function failure(read: Promise<unknown>) {
  const error = await read.then(
    () => null,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(SnapshotReadError);
  const { file, offset, expected, truncated, message } = error as SnapshotReadError;
  return { file, offset, expected, truncated, message };
}

describe("a .heapsnapshot's edges parsed on a second thread", () => {
  let file: string;
  let bytes: Buffer;
  /** Where the edges array's '[' and ']' are. */
  let edgesOpen: number;
  let edgesClose: number;

  beforeAll(() => {
    file = takeSnapshot(LEAVES_PROGRAM);
    bytes = readFileSync(file);
    edgesOpen = bytes.indexOf("[", bytes.indexOf('"edges"'));
    edgesClose = bytes.indexOf("]", edgesOpen);
  });

  /** A copy of the snapshot, changed by `edit`, in the same temp folder. */
  function variant(name: string, edit: (copy: Buffer) => Buffer): string {
    const path = file.replace(/\.heapsnapshot$/, `-${name}.heapsnapshot`);
    writeFileSync(path, edit(Buffer.from(bytes)));
    return path;
  }

  it("gives the same graph as one thread, column by column", async () => {
    const threaded = await readThreaded(file);
    const reference = await readOneThread(file);
    expect(threaded.edgeCount).toBeGreaterThan(60000);
    expect(graphDifferences(threaded, reference)).toEqual([]);
  });

  it("jumps over the edges' bytes instead of reading through them", async () => {
    const elsewhere = edgesOnThread(file, thread)!;
    expect(elsewhere.edgesEnd).toBe(edgesClose);
    let bytesRead = 0;
    const counted = (chunks: AsyncIterable<Uint8Array>) =>
      (async function* () {
        for await (const chunk of chunks) {
          bytesRead += chunk.length;
          yield chunk;
        }
      })();
    const source = await fileSource(file, { recycle: true });
    try {
      const graph = await readHeapSnapshot(
        { ...source, chunks: () => counted(source.chunks()) },
        {},
        { ...elsewhere, bytesFrom: (offset) => counted(elsewhere.bytesFrom(offset)) },
      );
      expect(graph.edgeCount).toBeGreaterThan(60000);
    } finally {
      elsewhere.close();
    }
    // At most the chunk that holds the edges' start is read past it.
    expect(bytesRead).toBeLessThan(bytes.length - (edgesClose - edgesOpen) + (1 << 20));
    expect(edgesClose - edgesOpen).toBeGreaterThan(1 << 20);
  });

  it("finds the edges past the shortest the nodes can be, and from the nodes if the header lies", async () => {
    const colon = (b: Buffer) => b.indexOf(":", b.indexOf('"edges"'));
    expect(edgesOnThread(file, thread)?.edgesColon).toBe(colon(bytes));
    // A header that claims ten times the nodes: the search from that far finds nothing, then
    // starts over from the nodes' start.
    const count = /"node_count":(\d+)/.exec(bytes.toString("latin1", 0, 4096))!;
    const path = variant("overstated-count", (copy) =>
      Buffer.from(
        copy.toString("latin1").replace(count[0], `"node_count":${Number(count[1]) * 10}`),
        "latin1",
      ),
    );
    const elsewhere = edgesOnThread(path, thread);
    elsewhere?.close();
    expect(elsewhere?.edgesColon).toBe(colon(readFileSync(path)));
  });

  it("reads a file with a key of its own after the edges, on one thread if need be", async () => {
    const path = variant("extra-key", (copy) => {
      const at = edgesClose + 1;
      return Buffer.concat([
        copy.subarray(0, at),
        Buffer.from(',"extra":[1,2]'),
        copy.subarray(at),
      ]);
    });
    // The ']' found from the end is the extra array's, not the edges': the edges' parser says so.
    expect(edgesOnThread(path, thread)?.edgesEnd).toBe(edgesClose + 14);
    const threaded = await readThreaded(path);
    const reference = await readOneThread(path);
    expect(graphDifferences(threaded, reference)).toEqual([]);
  });

  it("reports a bad byte inside the edges at its offset, as one thread does", async () => {
    const at = edgesOpen + Math.floor((edgesClose - edgesOpen) / 2);
    const digit = bytes.indexOf(/[0-9]/.exec(bytes.toString("latin1", at, at + 16))![0], at);
    const path = variant("bad-edge", (copy) => copy.fill("x", digit, digit + 1));
    const threaded = await failure(readThreaded(path));
    expect(threaded.offset).toBe(digit);
    expect(threaded.message).toContain(path);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reports a file cut inside the edges as truncated, as one thread does", async () => {
    const cut = edgesOpen + Math.floor((edgesClose - edgesOpen) / 3);
    const path = variant("cut", (copy) => copy.subarray(0, cut));
    const threaded = await failure(readThreaded(path));
    expect(threaded).toMatchObject({ offset: cut, truncated: true });
    expect(threaded.expected).toMatch(/^more of "edges" \(edge \d+ of \d+\)$/);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reports edges that disagree with the header's edge_count, as one thread does", async () => {
    const path = variant("edge-count", (copy) => {
      const count = /"edge_count":(\d+)/.exec(copy.toString("latin1", 0, 4096))!;
      const at = copy.indexOf(count[0]) + count[0].length - 1;
      // One less, in as many bytes: the last digit goes down by one, or a 0 becomes a 9 (ten more).
      return copy.fill(
        count[1]!.endsWith("0") ? "9" : String(Number(count[1]!.at(-1)) - 1),
        at,
        at + 1,
      );
    });
    const threaded = await failure(readThreaded(path));
    expect(threaded.expected).toMatch(/edges, as snapshot.edge_count says \(found \d+\)$/);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });

  it("reports an error before the edges or after them at its own offset", async () => {
    const inNodes = bytes.indexOf(",", bytes.indexOf('"nodes"') + 100);
    const nodesPath = variant("bad-node", (copy) => copy.fill("x", inNodes, inNodes + 1));
    const beforeEdges = await failure(readThreaded(nodesPath));
    expect(beforeEdges.offset).toBe(inNodes);
    expect(beforeEdges).toEqual(await failure(readOneThread(nodesPath)));

    const inStrings = bytes.indexOf("[", bytes.indexOf('"strings"'));
    const stringsPath = variant("bad-strings", (copy) => copy.fill("x", inStrings, inStrings + 1));
    const afterEdges = await failure(readThreaded(stringsPath));
    expect(afterEdges.offset).toBe(inStrings);
    expect(afterEdges).toEqual(await failure(readOneThread(stringsPath)));
  });

  it("reports the edges' error first when there is one after them too", async () => {
    const inEdges = edgesOpen + 10;
    const inStrings = bytes.indexOf("[", bytes.indexOf('"strings"'));
    const path = variant("two-errors", (copy) =>
      copy.fill("x", inEdges, inEdges + 1).fill("x", inStrings, inStrings + 1),
    );
    const threaded = await failure(readThreaded(path));
    expect(threaded.offset).toBe(inEdges);
    expect(threaded).toEqual(await failure(readOneThread(path)));
  });
});

describe("openSnapshot's edges thread", () => {
  it("is taken from the size threshold on, and reads the same graph", async () => {
    type NodeLayer = typeof import("./index.js");
    const built = "../../dist/node/index.js";
    const node = (await import(/* @vite-ignore */ built)) as NodeLayer;
    const file = takeSnapshot(
      `globalThis.items = Array.from({ length: 5000 }, (_, i) => ({ i }));`,
    );
    const threaded = await node.openSnapshot(file, { edgesThreadMinBytes: 0 });
    const reference = await node.openSnapshot(file, { edgesThreadMinBytes: Infinity });
    expect(graphDifferences(threaded, reference)).toEqual([]);
  });
});

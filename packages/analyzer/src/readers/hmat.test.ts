import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { convertFile, decodeHmat, dump } from "@heapmat/dumper";
import { Encoding, type RawColumn } from "@heapmat/dumper/format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hmatSections, rewriteHmatSection } from "../../test/fuzz/mutate.js";
import { graphDifferences } from "../../test/same-bytes.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { isShared } from "../graph/shared-memory.js";
import { fileSource, openSnapshot } from "../node/open.js";
import { readHeapSnapshot } from "./heapsnapshot.js";
import { readHmat } from "./hmat.js";
import { bytesSource, SnapshotReadError } from "./source.js";

// A real heap with allocation tracking on (node --track-heap-objects), so trace ids, the trace
// tree and function infos exist.
const PROGRAM = `
class Order { constructor(i) { this.id = i; this.label = "order-" + i; this.items = [i, i + 1]; } }
function makeOrders(n) { const out = []; for (let i = 0; i < n; i++) out.push(new Order(i)); return out; }
globalThis.orders = makeOrders(5000);
globalThis.closures = Array.from({ length: 50 }, (_, i) => () => i);
require("node:v8").writeHeapSnapshot(process.argv[2]);
`;

function takeTrackedSnapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-hmat-"));
  const file = join(dir, "tracked.heapsnapshot");
  writeFileSync(join(dir, "app.cjs"), PROGRAM);
  execFileSync(process.execPath, ["--track-heap-objects", join(dir, "app.cjs"), file]);
  return file;
}

let v8File: string;
let hmatFile: string;
let fromJson: HeapGraph;
let fromHmat: HeapGraph;

beforeAll(async () => {
  v8File = takeTrackedSnapshot();
  hmatFile = join(v8File, "..", "tracked.hmat");
  await convertFile(v8File, hmatFile);
  fromJson = await readHeapSnapshot(await fileSource(v8File));
  fromHmat = await readHmat(await fileSource(hmatFile));
}, 120_000);

afterAll(() => rmSync(join(v8File, ".."), { recursive: true, force: true }));

describe("readHmat", () => {
  it("reads the same graph as the V8 JSON it was converted from", () => {
    expect(fromHmat.nodeCount).toBeGreaterThan(10_000);
    expect(graphDifferences(fromHmat, fromJson)).toEqual([]);
    expect(fromHmat.nodeKinds).toEqual(fromJson.nodeKinds);
    expect(fromHmat.edgeKinds).toEqual(fromJson.edgeKinds);
    expect(fromHmat.locations).toEqual(fromJson.locations);
    expect(fromHmat.info.format).toBe("hmat");
    expect(fromHmat.info.reason).toBe("convert");
  });

  it("makes its strings when first read; searches and single reads need none made", async () => {
    const graph = await readHmat(await fileSource(hmatFile));
    const lazy = graph.lazyStrings!;
    const expected = fromJson.strings;
    expect(lazy.length).toBe(expected.length);
    const sample = expected.filter((_, i) => i % 97 === 0 || i < 50);
    for (const text of [...sample, "order-4999", "Order", "", "no such string"])
      expect(lazy.indexOf(text), text).toBe(expected.indexOf(text));
    const points = lazy.points();
    for (let i = 0; i < expected.length; i += 13) expect(points[i]).toBe(expected[i]);
    const naive = expected.flatMap((text, i) => (text.includes("order-49") ? [i] : []));
    expect(lazy.containing("order-49")).toEqual(naive);
    expect(lazy.materialized).toBe(false);
    expect(graph.strings).toEqual(expected);
    expect(lazy.materialized).toBe(true);
    // A copy of the graph with other strings does not carry the table.
    expect({ ...graph, strings: [] }.lazyStrings).toBeUndefined();
  });

  it("says which strings a redacting dump left out or cut", async () => {
    const redacted = join(v8File, "..", "redacted.hmat");
    await convertFile(v8File, redacted, { redact: true, maxString: 12 });
    // The dumper's own reader gives each entry: a text, a left-out length, or a cut [text, length].
    const expected = decodeHmat(readFileSync(redacted)).strings.map((entry) =>
      typeof entry === "string"
        ? entry
        : typeof entry === "number"
          ? `<redacted: ${entry} characters>`
          : `${entry[0]}…`,
    );
    expect(expected.some((text) => text.startsWith("<redacted: "))).toBe(true);
    expect(expected.some((text) => text.endsWith("…"))).toBe(true);
    const graph = await readHmat(await fileSource(redacted));
    const points = graph.lazyStrings!.points();
    expect(Array.from({ length: expected.length }, (_, i) => points[i])).toEqual(expected);
    const changed = expected.filter((t) => t.startsWith("<redacted: ") || t.endsWith("…"));
    for (const text of changed.filter((_, i) => i % 50 === 0))
      expect(graph.lazyStrings!.indexOf(text), text).toBe(expected.indexOf(text));
    expect(graph.strings).toEqual(expected);
  });

  it("reads the graph's columns onto shared memory, for index building on a second thread", () => {
    for (const column of ["nodeKind", "nodeSelfSize", "firstEdge", "edgeTarget"] as const)
      expect(isShared(fromHmat[column]), column).toBe(true);
  });

  it("decodes a live dump's metadata, 64-bit figures as plain numbers", async () => {
    const { path } = await dump(join(v8File, "..", "live.hmat"), { label: "reader test" });
    const { info } = await readHmat(await fileSource(path));
    expect(info.pid).toBe(process.pid);
    expect(info.label).toBe("reader test");
    // dumpTime exceeds 32 bits: it must not arrive as a BigInt, which JSON.stringify refuses.
    expect(typeof info.dumpTime).toBe("number");
    expect(JSON.parse(JSON.stringify(info)).dumpTime).toBe(info.dumpTime);
  });

  it("carries allocation traces: trace ids, the tree and function infos", () => {
    expect(fromJson.trace).not.toBeNull();
    expect(fromHmat.trace).toEqual(fromJson.trace);
    const named = Array.from(fromHmat.trace!.functionName, (s) => fromHmat.strings[s]);
    expect(named).toContain("makeOrders");
    expect(fromHmat.nodeTraceId!.some((t) => t !== 0)).toBe(true);
  });

  it("with idsOnly, reads ids and kinds and no edges", async () => {
    const graph = await readHmat(await fileSource(hmatFile), { idsOnly: true });
    expect(graph.nodeCount).toBe(fromJson.nodeCount);
    expect(graph.edgeCount).toBe(0);
    expect(graph.nodeId).toEqual(fromJson.nodeId);
    expect(graph.nodeKind).toEqual(fromJson.nodeKind);
    expect(graph.firstEdge[graph.nodeCount]).toBe(0);
  });

  it("reports progress", async () => {
    const seen: number[] = [];
    await readHmat(await fileSource(hmatFile), { onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(readFileSync(hmatFile).length);
  });

  it("recognises a truncated file, and salvages what is complete", async () => {
    const bytes = readFileSync(hmatFile);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.8));
    const error = await readHmat(bytesSource("cut.hmat", cut)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotReadError);
    expect((error as SnapshotReadError).truncated).toBe(true);
    expect((error as SnapshotReadError).message).toMatch(/cut\.hmat: at byte \d+: .*truncated/);
    expect((error as SnapshotReadError).offset).toBeLessThan(cut.length);

    const salvaged = await readHmat(bytesSource("cut.hmat", cut), { salvage: true });
    expect(salvaged.nodeCount).toBeGreaterThan(0);
    expect(salvaged.nodeCount).toBeLessThanOrEqual(fromJson.nodeCount);
    expect(salvaged.firstEdge[salvaged.nodeCount]).toBe(salvaged.edgeCount);
    expect(Array.from(salvaged.nodeId.subarray(0, 100))).toEqual(
      Array.from(fromJson.nodeId.subarray(0, 100)),
    );
  });

  it("names the file and offset on bad input", async () => {
    const bytes = Uint8Array.from(readFileSync(hmatFile));
    const notHmat = await readHmat(bytesSource("x.hmat", new TextEncoder().encode("{}"))).catch(
      (e: unknown) => e,
    );
    expect(String(notHmat)).toMatch(/x\.hmat: at byte 0: expected the \.hmat magic/);
    bytes[8] = 0x00; // the first section's array marker
    const broken = await readHmat(bytesSource("b.hmat", bytes)).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(SnapshotReadError);
    expect((broken as SnapshotReadError).offset).toBe(8);
  });

  it("inflates with an injected inflater the same graph as with DecompressionStream", async () => {
    const lengths: number[] = [];
    const inflate = (body: Uint8Array, inflatedLength: number) => {
      lengths.push(inflatedLength);
      return inflateSync(body);
    };
    const graph = await readHmat(await fileSource(hmatFile), { inflate });
    expect(lengths.length).toBeGreaterThan(3);
    expect(Math.min(...lengths)).toBeGreaterThan(0);
    // openSnapshot injects node:zlib's inflater.
    for (const other of [graph, await openSnapshot(hmatFile)]) {
      for (const column of ["nodeId", "firstEdge", "edgeKind", "edgeName", "edgeTarget"] as const)
        expect(other[column], column).toEqual(fromHmat[column]);
      expect(other.strings).toEqual(fromHmat.strings);
    }
  });

  it("names the section of a corrupt zlib body, with either inflater", async () => {
    const bytes = Uint8Array.from(readFileSync(hmatFile));
    // The first section ("info"): 0x93, a fixstr tag, a raw length, a bin header, the body.
    let at = 10 + (bytes[9]! & 0x1f);
    at += bytes[at]! < 0x80 ? 1 : 1 + { 204: 1, 205: 2, 206: 4 }[bytes[at]!]!;
    at += 1 + { 196: 1, 197: 2, 198: 4 }[bytes[at]!]!;
    bytes[at] = 0x00; // zlib's CMF byte: no such compression method
    for (const options of [{}, { inflate: (body: Uint8Array) => inflateSync(body) }]) {
      const error = await readHmat(bytesSource("z.hmat", bytes), options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapshotReadError);
      expect(String(error)).toMatch(
        /z\.hmat: at byte 8: expected a zlib-compressed MessagePack "info" section/,
      );
    }
  });

  it("refuses a section that does not inflate to its stated length", async () => {
    const bytes = Uint8Array.from(readFileSync(hmatFile));
    // The first section's raw length (a MessagePack uint): flip its lowest bit.
    const at = 10 + (bytes[9]! & 0x1f);
    bytes[bytes[at]! < 0x80 ? at : at + { 204: 1, 205: 2, 206: 4 }[bytes[at]!]!]! ^= 1;
    for (const options of [{}, { inflate: (body: Uint8Array) => inflateSync(body) }]) {
      const error = await readHmat(bytesSource("n.hmat", bytes), options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapshotReadError);
      expect(String(error)).toMatch(/n\.hmat: at byte 8: expected .*"info" section of \d+ bytes/);
    }
  });

  /** Whether two reads of the same heap gave the same graph. */
  function expectSameGraph(graph: HeapGraph): void {
    expect(graphDifferences(graph, fromHmat)).toEqual([]);
  }

  it("grows its columns past a node and edge count that is too small, or ignores a huge one", async () => {
    const bytes = readFileSync(hmatFile);
    for (const [nodes, edges] of [
      [1, 0],
      [2 ** 40, -1],
      ["many", 2 ** 53],
    ]) {
      const edited = rewriteHmatSection(bytes, "v8", (v) => {
        v.node_count = nodes;
        v.edge_count = edges;
      });
      expectSameGraph(await readHmat(bytesSource("counts.hmat", edited)));
    }
  });

  it("names the first node or edge whose type is out of range", async () => {
    const bytes = readFileSync(hmatFile);
    for (const [tag, row, expected] of [
      ["nodes", 5, /at byte \d+: expected node 5's type to be a known node type/],
      ["edges", 3, /at byte \d+: expected edge 3/],
    ] as const) {
      const edited = rewriteHmatSection(bytes, tag, (v) => {
        const column = (v.columns as RawColumn[]).find(([name]) => name === "type")!;
        expect(column[1]).toBe(Encoding.Bytes);
        column[2][row] = 200;
      });
      const error = await readHmat(bytesSource("range.hmat", edited)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapshotReadError);
      expect(String(error)).toMatch(expected);
    }
  });

  it("decodes the locations when first asked for, naming a damaged column then", async () => {
    const bytes = readFileSync(hmatFile);
    const edited = rewriteHmatSection(bytes, "locations", (v) => {
      const column = (v.columns as RawColumn[]).find(([name]) => name === "line")!;
      column[2] = new Uint8Array(column[2].length).fill(0x80); // no varint ends
    });
    const graph = await readHmat(bytesSource("locations.hmat", edited));
    expect(graph.nodeCount).toBe(fromHmat.nodeCount);
    expect(() => graph.locations).toThrow(SnapshotReadError);
    expect(() => graph.locations).toThrow(
      /locations\.hmat: at byte \d+: expected a well-formed column "line"/,
    );
  });

  it("decodes edge blocks that come before the nodes owning them", async () => {
    const bytes = readFileSync(hmatFile);
    const sections = hmatSections(bytes);
    const part = (tag: string) =>
      sections.filter((s) => s.tag === tag).map((s) => bytes.subarray(s.start, s.end));
    const rest = sections
      .filter((s) => !["info", "v8", "nodes", "edges"].includes(s.tag))
      .map((s) => bytes.subarray(s.start, s.end));
    expect(part("edges").length).toBeGreaterThan(0);
    const reordered = Buffer.concat([
      bytes.subarray(0, 8),
      ...part("info"),
      ...part("v8"),
      ...part("edges"),
      ...part("nodes"),
      ...rest,
    ]);
    expect(reordered.length).toBe(bytes.length);
    expectSameGraph(await readHmat(bytesSource("reordered.hmat", reordered)));
  });

  it("skips sections it does not know", async () => {
    // Splice an unknown section (valid framing, arbitrary body) in front of the trailer.
    const bytes = readFileSync(hmatFile);
    const unknown = Uint8Array.from([
      0x93,
      0xa6,
      ...new TextEncoder().encode("future"),
      0x03,
      0xc4,
      0x03,
      1,
      2,
      3,
    ]);
    const endAt = bytes.lastIndexOf(Buffer.from([0x93, 0xa3, 0x65, 0x6e, 0x64]));
    const spliced = Buffer.concat([bytes.subarray(0, endAt), unknown, bytes.subarray(endAt)]);
    const file = join(v8File, "..", "future.hmat");
    writeFileSync(file, spliced);
    const graph = await readHmat(await fileSource(file));
    expect(graph.nodeCount).toBe(fromJson.nodeCount);
  });
});

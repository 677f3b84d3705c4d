import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { GRAPH_COLUMNS } from "../../test/same-bytes.js";
import { takeSnapshot } from "../../test/take-snapshot.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { openSnapshot } from "../node/open.js";
import { readHeapSnapshot } from "./heapsnapshot.js";
import { type ByteSource, bytesSource, SnapshotReadError } from "./source.js";

// A heap with the strings a JSON reader gets wrong: non-ASCII, astral, lone surrogates, escapes.
const PROGRAM = String.raw`
  class Session { constructor(id) { this.id = id; this.payload = "x".repeat(64) + id; } }
  globalThis.sessions = new Map();
  for (let i = 0; i < 500; i++) globalThis.sessions.set(i, new Session(i));
  globalThis.texts = [
    "caf\u00e9 na\u00efve", "\u4e2d\u6587\u5b57\u7b26", "smile \ud83d\ude00 \ud83e\udd84",
    "lone \ud800 high", "lone \udc00 low", "end high \ud83d", "quote \" back \\ slash / ",
    "ctl \b\f\n\r\t \u0001 \u001f \u007f", "tab\tnew\nline", "\u2028\u2029",
  ].map((s) => s + Math.random());
  globalThis.closures = Array.from({ length: 50 }, (_, i) => function named() { return i; });
`;

interface V8Json {
  snapshot: { meta: Record<string, string[] & unknown[]>; node_count: number; edge_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
  locations: number[];
  trace_function_infos: number[];
  trace_tree: unknown[];
}

let file: string;
let bytes: Uint8Array;
let json: V8Json;

beforeAll(() => {
  file = takeSnapshot(PROGRAM, { nodeArgs: ["--track-heap-objects"] });
  bytes = readFileSync(file);
  json = JSON.parse(readFileSync(file, "utf8"));
});

/** Index of the first difference between two lists, -1 when equal (one expect, not millions). */
function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return k;
  return -1;
}

/** Checks every column of `graph` against JSON.parse of the same file, field by field. */
function expectSameAsJson(graph: HeapGraph, data: V8Json) {
  const meta = data.snapshot.meta;
  const nf = meta.node_fields as string[];
  const ef = meta.edge_fields as string[];
  const F = nf.length;
  const E = ef.length;
  expect(graph.nodeCount).toBe(data.nodes.length / F);
  expect(graph.edgeCount).toBe(data.edges.length / E);
  expect(firstDifference(graph.strings, data.strings)).toBe(-1);
  expect(graph.nodeKinds).toEqual((meta.node_types as unknown[])[0]);
  expect(graph.edgeKinds).toEqual((meta.edge_types as unknown[])[0]);
  const field = (list: number[], width: number, at: number, scale = 1) =>
    Array.from({ length: list.length / width }, (_, k) => list[k * width + at]! / scale);
  const node = (name: string) => field(data.nodes, F, nf.indexOf(name));
  const edge = (name: string, scale = 1) => field(data.edges, E, ef.indexOf(name), scale);
  expect(firstDifference(graph.nodeKind, node("type"))).toBe(-1);
  expect(firstDifference(graph.nodeName, node("name"))).toBe(-1);
  expect(firstDifference(graph.nodeId, node("id"))).toBe(-1);
  expect(firstDifference(graph.nodeSelfSize, node("self_size"))).toBe(-1);
  if (nf.includes("detachedness"))
    expect(firstDifference(graph.nodeDetachedness!, node("detachedness"))).toBe(-1);
  const firstEdge = [0];
  for (const count of node("edge_count")) firstEdge.push(firstEdge.at(-1)! + count);
  expect(firstDifference(graph.firstEdge, firstEdge)).toBe(-1);
  expect(firstDifference(graph.edgeKind, edge("type"))).toBe(-1);
  expect(firstDifference(graph.edgeName, edge("name_or_index"))).toBe(-1);
  expect(firstDifference(graph.edgeTarget, edge("to_node", F))).toBe(-1);
  const loc = data.locations;
  const locations = graph.locations!;
  expect(firstDifference(locations.node, field(loc, 4, 0, F))).toBe(-1);
  expect(firstDifference(locations.scriptId, field(loc, 4, 1))).toBe(-1);
  expect(firstDifference(locations.line, field(loc, 4, 2))).toBe(-1);
  expect(firstDifference(locations.column, field(loc, 4, 3))).toBe(-1);
  expect(locations.node.length).toBeGreaterThan(40);
}

/** Serves bytes in chunks whose sizes come from `size(offset)`. */
function chunkedSource(data: Uint8Array, size: (at: number) => number): ByteSource {
  return {
    name: "chunked.heapsnapshot",
    size: data.length,
    async *chunks() {
      for (let at = 0; at < data.length; ) {
        const end = Math.min(data.length, at + Math.max(1, size(at)));
        yield data.subarray(at, end);
        at = end;
      }
    },
  };
}

/** The same graph, column by column (faster than re-checking against JSON). */
function expectSameGraph(a: HeapGraph, b: HeapGraph) {
  for (const key of GRAPH_COLUMNS)
    expect([key, firstDifference(a[key] ?? [], b[key] ?? [])]).toEqual([key, -1]);
  expect(firstDifference(a.strings, b.strings)).toBe(-1);
  expect(a.locations).toEqual(b.locations);
  expect(a.trace).toEqual(b.trace);
}

async function readError(source: ByteSource): Promise<SnapshotReadError> {
  const error = await readHeapSnapshot(source).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotReadError);
  return error as SnapshotReadError;
}

describe("readHeapSnapshot", () => {
  it("reads a real snapshot exactly as JSON.parse does, strings, locations and trace tree included", async () => {
    const graph = await openSnapshot(file);
    expectSameAsJson(graph, json);
    // V8 itself writes astral characters and lone surrogates lossily; the test below covers them.
    for (const text of ["café naïve", "中文字符"])
      expect(graph.strings.some((s) => s.startsWith(text))).toBe(true);
    const sessionName = graph.strings.indexOf("Session");
    const objectKind = graph.nodeKinds.indexOf("object");
    let sessions = 0;
    for (let i = 0; i < graph.nodeCount; i++)
      if (graph.nodeName[i] === sessionName && graph.nodeKind[i] === objectKind) sessions++;
    expect(sessions).toBe(500);

    // The allocation trace, flattened in pre-order, and every object's trace node exists.
    const trace = graph.trace!;
    expect(trace).not.toBeNull();
    expect(trace.functionName.length).toBe(json.trace_function_infos.length / 6);
    const flat: number[] = [];
    const walk = (list: unknown[], parent: number) => {
      for (let o = 0; o < list.length; o += 5) {
        const self = flat.length / 2;
        flat.push(list[o] as number, parent);
        walk(list[o + 4] as unknown[], self);
      }
    };
    walk(json.trace_tree, -1);
    expect(Array.from(trace.id)).toEqual(flat.filter((_, k) => k % 2 === 0));
    expect(Array.from(trace.parent)).toEqual(flat.filter((_, k) => k % 2 === 1));
    const ids = new Set(trace.id);
    let traced = 0;
    for (const id of graph.nodeTraceId!) if (id !== 0 && ids.has(id)) traced++;
    expect(traced).toBeGreaterThan(500);
    expect(graph.strings[trace.functionName[1]!]).toBeDefined();
  });

  it("gives the same graph whatever the chunk boundaries", async () => {
    const whole = await readHeapSnapshot(bytesSource("whole", bytes));
    expectSameGraph(await readHeapSnapshot(chunkedSource(bytes, () => 7)), whole);
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % 3000;
    };
    expectSameGraph(await readHeapSnapshot(chunkedSource(bytes, random)), whole);
  });

  it("survives 1-byte chunks around every section and at the end", async () => {
    // Byte by byte near each top-level key and the file's end; bigger chunks in between.
    const text = Buffer.from(bytes);
    const marks = [0, bytes.length - 20_000];
    for (const key of [
      "nodes",
      "edges",
      "trace_function_infos",
      "trace_tree",
      "locations",
      "strings",
    ])
      marks.push(text.indexOf(`"${key}":[`) - 10_000);
    const near = (at: number) => marks.some((mark) => at >= mark && at < mark + 20_000);
    const whole = await readHeapSnapshot(bytesSource("whole", bytes));
    expectSameGraph(
      await readHeapSnapshot(chunkedSource(bytes, (at) => (near(at) ? 1 : 4096))),
      whole,
    );
  });

  it("reads gzip'd snapshots, also through openSnapshot", async () => {
    const gz = gzipSync(bytes);
    const whole = await readHeapSnapshot(bytesSource("whole", bytes));
    expectSameGraph(await readHeapSnapshot(chunkedSource(gz, () => 65536)), whole);
    const gzFile = `${file}.gz`;
    writeFileSync(gzFile, gz);
    const progress: number[] = [];
    expectSameGraph(
      await openSnapshot(gzFile, { onProgress: (done) => progress.push(done) }),
      whole,
    );
    expect(progress.at(-1)).toBe(gz.length);
  });

  it("reads field layouts from meta: reordered node fields, no trace_node_id (Node 24)", async () => {
    const meta = json.snapshot.meta;
    const oldFields = meta.node_fields as string[];
    const newFields = ["id", "edge_count", "self_size", "detachedness", "name", "type"];
    const F = oldFields.length;
    const nodes: number[] = [];
    for (let o = 0; o < json.nodes.length; o += F)
      for (const name of newFields) nodes.push(json.nodes[o + oldFields.indexOf(name)]!);
    // to_node and object_index are offsets into the nodes array: rescale them to the new width.
    const rescale = (list: number[], at: number, width: number) =>
      list.map((v, k) => (k % width === at ? (v / F) * newFields.length : v));
    const edges = rescale(json.edges, 2, 3);
    const locations = rescale(json.locations, 0, 4);
    const changed = {
      ...json,
      snapshot: { ...json.snapshot, meta: { ...meta, node_fields: newFields } },
      nodes,
      edges,
      locations,
    };
    const text = new TextEncoder().encode(JSON.stringify(changed));
    const graph = await readHeapSnapshot(bytesSource("layout", text));
    expect(graph.nodeTraceId).toBeNull();
    expectSameAsJson(graph, changed as V8Json);
  });

  it("reads V8's field order with fewer node fields (Node 12 to 18)", async () => {
    const meta = json.snapshot.meta;
    const oldFields = meta.node_fields as string[];
    const F = oldFields.length;
    for (const newFields of [
      ["type", "name", "id", "self_size", "edge_count"],
      ["type", "name", "id", "self_size", "edge_count", "trace_node_id"],
    ]) {
      const nodes: number[] = [];
      for (let o = 0; o < json.nodes.length; o += F)
        for (const name of newFields) nodes.push(json.nodes[o + oldFields.indexOf(name)]!);
      const rescale = (list: number[], at: number, width: number) =>
        list.map((v, k) => (k % width === at ? (v / F) * newFields.length : v));
      const changed = {
        ...json,
        snapshot: { ...json.snapshot, meta: { ...meta, node_fields: newFields } },
        nodes,
        edges: rescale(json.edges, 2, 3),
        locations: rescale(json.locations, 0, 4),
      };
      const text = new TextEncoder().encode(JSON.stringify(changed));
      const graph = await readHeapSnapshot(chunkedSource(text, () => 4093));
      expect(graph.nodeTraceId === null).toBe(newFields.length === 5);
      expect(graph.nodeDetachedness).toBeNull();
      expectSameAsJson(graph, changed as V8Json);
    }
  });

  it("reads locations whatever their field order", async () => {
    const meta = json.snapshot.meta;
    const oldFields = meta.location_fields as string[];
    const newFields = ["line", "column", "object_index", "script_id"];
    const locations: number[] = [];
    for (let o = 0; o < json.locations.length; o += 4)
      for (const name of newFields) locations.push(json.locations[o + oldFields.indexOf(name)]!);
    const changed = {
      ...json,
      snapshot: { ...json.snapshot, meta: { ...meta, location_fields: newFields } },
      locations,
    };
    const text = new TextEncoder().encode(JSON.stringify(changed));
    const graph = await readHeapSnapshot(chunkedSource(text, () => 4093));
    const whole = await readHeapSnapshot(bytesSource("whole", bytes));
    expect(graph.locations).toEqual(whole.locations);
    expect(graph.locations!.node.length).toBeGreaterThan(40);
  });

  it("reads a snapshot with no nodes or edges", async () => {
    const empty = {
      ...json,
      snapshot: { ...json.snapshot, node_count: 0, edge_count: 0 },
      nodes: [],
      edges: [],
      locations: [],
    };
    const text = new TextEncoder().encode(JSON.stringify(empty));
    const graph = await readHeapSnapshot(bytesSource("empty", text));
    expect([graph.nodeCount, graph.edgeCount, graph.strings.length]).toEqual([
      0,
      0,
      json.strings.length,
    ]);
  });

  it("reads nodes and edges laid out with any JSON whitespace, as JSON.parse does", async () => {
    const whole = await readHeapSnapshot(bytesSource("whole", bytes));
    // Every number on its own indented line: no record is in V8's own layout.
    const indented = new TextEncoder().encode(JSON.stringify(json, null, 1));
    expectSameGraph(await readHeapSnapshot(chunkedSource(indented, () => 65536)), whole);
    // V8's layout with odd whitespace here and there: the reader leaves its fast path and returns.
    const text = Buffer.from(bytes).toString("latin1");
    const from = text.indexOf('"nodes":[');
    const to = text.indexOf('"strings":[');
    let commas = 0;
    const odd = [" ", "\n ", "\t", "\r\n", " \n"];
    const mixed =
      text.slice(0, from) +
      text.slice(from, to).replace(/,/g, () => {
        commas++;
        return commas % 97 === 0 ? `${odd[commas % 5]},${odd[(commas >> 3) % 5]}` : ",";
      }) +
      text.slice(to);
    const mixedBytes = Buffer.from(mixed, "latin1");
    expect(mixedBytes.length).toBeGreaterThan(bytes.length);
    expectSameGraph(await readHeapSnapshot(chunkedSource(mixedBytes, () => 8191)), whole);
  });

  it("decodes every JSON string form, including a string and a table larger than a chunk", async () => {
    // V8 writes non-ASCII as \uXXXX; other writers (JSON.stringify) write raw UTF-8 and escape
    // only lone surrogates. Both, with pairs, lone surrogates and a 3 MB string, in odd chunks.
    const big = `${'a\\"\u00e9\ud83d\ude00\n'.repeat(300_000)}end`;
    const tricky = [
      "smile \ud83d\ude00",
      "lone \ud800 high",
      "lone \udc00 low",
      "end \ud83d",
      "\u2028\u0000\u001f\u007f",
      "ü€😀",
    ];
    const changed = { ...json, strings: [...json.strings, ...tricky, big] };
    const raw = JSON.stringify(changed);
    const escaped = raw.replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    for (const text of [raw, escaped]) {
      const encoded = new TextEncoder().encode(text);
      let size = 0;
      const graph = await readHeapSnapshot(
        chunkedSource(encoded, () => (size = (size * 7 + 65521) % 70001)),
      );
      expect(firstDifference(graph.strings, changed.strings)).toBe(-1);
    }
  });

  it("grows its columns when the header has no counts", async () => {
    const { node_count: _n, edge_count: _e, ...header } = json.snapshot;
    const changed = { ...json, snapshot: header };
    const text = new TextEncoder().encode(JSON.stringify(changed));
    const graph = await readHeapSnapshot(chunkedSource(text, () => 40_000));
    expectSameAsJson(graph, json);
  });

  it("reports progress monotonically up to the total", async () => {
    const seen: Array<[number, number | undefined]> = [];
    await openSnapshot(file, { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.length).toBeGreaterThan(1);
    for (let k = 1; k < seen.length; k++) expect(seen[k]![0]).toBeGreaterThan(seen[k - 1]![0]);
    expect(seen.at(-1)).toEqual([bytes.length, bytes.length]);
  });

  it("reads only ids, kinds and sizes with idsOnly, and stops after the nodes", async () => {
    const full = await readHeapSnapshot(bytesSource("full", bytes));
    // Cut the file in the edges: idsOnly never gets there.
    const edgesAt = Buffer.from(bytes).indexOf('"edges":[');
    const cut = bytes.subarray(0, edgesAt + 100);
    const ids = await readHeapSnapshot(bytesSource("cut", cut), { idsOnly: true });
    expect(ids.nodeCount).toBe(full.nodeCount);
    expect(ids.nodeId).toEqual(full.nodeId);
    expect(ids.nodeKind).toEqual(full.nodeKind);
    expect(ids.nodeSelfSize).toEqual(full.nodeSelfSize);
    expect(ids.edgeCount).toBe(0);
    expect(ids.firstEdge.length).toBe(full.nodeCount + 1);
    expect(ids.strings).toEqual([]);
  });
});

describe("readHeapSnapshot errors", () => {
  it("recognises a truncated file wherever it is cut, with the offset of the end", async () => {
    const text = Buffer.from(bytes);
    const cuts = [
      1,
      200,
      text.indexOf('"nodes":[') + 50,
      text.indexOf('"edges":[') + 51,
      text.indexOf('"trace_tree":[') + 30,
      text.indexOf('"strings":[') + 40,
      text.indexOf("caf\\u00e9") + 5,
      bytes.length - 1,
    ];
    for (const cut of cuts) {
      const error = await readError(bytesSource("cut.heapsnapshot", bytes.subarray(0, cut)));
      expect(error.truncated).toBe(true);
      expect(error.offset).toBe(cut);
      expect(error.message).toContain("cut.heapsnapshot");
      expect(error.message).toContain("truncated");
    }
    const nodes = await readError(bytesSource("cut", bytes.subarray(0, cuts[2])));
    expect(nodes.expected).toMatch(/more of "nodes" \(node \d+ of \d+\)/);
  });

  it("recognises a truncated gzip'd file", async () => {
    const gz = gzipSync(bytes);
    const error = await readError(bytesSource("cut.gz", gz.subarray(0, gz.length >> 1)));
    expect(error.truncated).toBe(true);
  });

  it("names the byte offset and what was expected for bad bytes", async () => {
    const text = Buffer.from(bytes);
    const at = text.indexOf('"edges":[') + 20;
    const bad = Uint8Array.from(bytes);
    bad[at] = 0x78; // "x"
    const error = await readError(bytesSource("bad.heapsnapshot", bad));
    expect(error.offset).toBe(at);
    expect(error.truncated).toBe(false);
    expect(error.expected).toContain('"edges"');

    const garbage = await readError(bytesSource("garbage", new TextEncoder().encode("hello")));
    expect(garbage.offset).toBe(0);
    expect(garbage.expected).toContain("'{'");

    const badBytes = new TextEncoder().encode('{"strings":["ok","bad \\q"]}');
    const badEscape = await readError(bytesSource("escape", badBytes));
    expect(badEscape.offset).toBe(23);
    expect(badEscape.expected).toContain("JSON escape");
  });

  it("refuses edges to nowhere and names outside the strings table", async () => {
    const edges = [...json.edges];
    edges[5] = json.nodes.length; // to_node of edge 1, one node past the end
    const nodes = [...json.nodes];
    nodes[1] = json.strings.length; // name of node 0
    // Edge names index the strings, except elements' and hidden edges' which are indexes.
    const kinds = (json.snapshot.meta.edge_types as unknown[])[0] as string[];
    const named = [...json.edges];
    const property = named.findIndex((v, k) => k % 3 === 0 && kinds[v] === "property") / 3;
    named[3 * property + 1] = json.strings.length + 5;
    const element = json.edges.findIndex((v, k) => k % 3 === 0 && kinds[v] === "element") / 3;
    const indexed = [...json.edges];
    indexed[3 * element + 1] = json.strings.length + 5;
    const graph = await readHeapSnapshot(
      bytesSource("index", new TextEncoder().encode(JSON.stringify({ ...json, edges: indexed }))),
    );
    expect(graph.edgeName[element]).toBe(json.strings.length + 5);
    for (const [changed, expected] of [
      [{ ...json, edges }, "edge 1 to point at one of"],
      [{ ...json, nodes }, "node names to index the"],
      [{ ...json, edges: named }, `edge ${property}'s name to index the`],
    ] as const) {
      const error = await readError(
        bytesSource("refs", new TextEncoder().encode(JSON.stringify(changed))),
      );
      expect(error.expected).toContain(expected);
    }
  });

  it("refuses counts that disagree with the header, either way", async () => {
    for (const [key, delta] of [
      ["node_count", 1],
      ["node_count", -1],
      ["edge_count", -1],
    ] as const) {
      const changed = {
        ...json,
        snapshot: { ...json.snapshot, [key]: json.snapshot[key] + delta },
      };
      const text = new TextEncoder().encode(JSON.stringify(changed));
      const error = await readError(chunkedSource(text, () => 1 << 16));
      expect(error.expected).toContain(`snapshot.${key}`);
    }
  });
});

import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readSnapshot, sniffFormat } from "./detect.js";
import { bytesSource, SnapshotReadError, streamSource } from "./source.js";

const ascii = (text: string) => new TextEncoder().encode(text);

// The smallest valid V8 snapshot: one synthetic root, no edges.
const TINY = JSON.stringify({
  snapshot: {
    meta: {
      node_fields: ["type", "name", "id", "self_size", "edge_count"],
      node_types: [["hidden", "object"]],
      edge_fields: ["type", "name_or_index", "to_node"],
      edge_types: [["property"]],
    },
    node_count: 1,
    edge_count: 0,
  },
  nodes: [0, 0, 1, 0, 0],
  edges: [],
  strings: [""],
});

async function readError(bytes: Uint8Array): Promise<SnapshotReadError> {
  const error = await readSnapshot(bytesSource("file.bin", bytes)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SnapshotReadError);
  return error as SnapshotReadError;
}

describe("sniffFormat", () => {
  it("tells the formats apart from their first bytes", () => {
    expect(sniffFormat(ascii('{"snapshot"'))).toBe("heapsnapshot");
    expect(sniffFormat(ascii('\ufeff \n {"snapshot"'))).toBe("heapsnapshot");
    expect(sniffFormat(gzipSync(ascii("{}")))).toBe("gzip");
    expect(sniffFormat(ascii("HMAT\u0001\u0000\u0000\u0000"))).toBe("hmat");
    expect(sniffFormat(ascii("PMAT\u0000\u0000\u0001\u0000"))).toBe("pmat");
    expect(sniffFormat(ascii("PK\u0003\u0004"))).toBeNull();
    expect(sniffFormat(new Uint8Array(0))).toBeNull();
  });
});

describe("readSnapshot", () => {
  it("dispatches plain and gzip'd V8 snapshots to the heapsnapshot reader", async () => {
    for (const bytes of [ascii(TINY), gzipSync(ascii(TINY))]) {
      const progress: number[] = [];
      const graph = await readSnapshot(bytesSource("tiny", bytes), {
        onProgress: (done) => progress.push(done),
      });
      expect(graph.info.format).toBe("heapsnapshot");
      expect(graph.nodeCount).toBe(1);
      expect(graph.nodeKinds).toEqual(["hidden", "object"]);
      expect(progress.at(-1)).toBe(bytes.length);
    }
  });

  it("names the expected formats for unknown bytes, at offset 0", async () => {
    const error = await readError(ascii("PK\u0003\u0004 a zip file"));
    expect(error.offset).toBe(0);
    expect(error.truncated).toBe(false);
    expect(error.message).toContain("file.bin");
    for (const name of [".heapsnapshot", "gzip", ".hmat", ".pmat"])
      expect(error.expected).toContain(name);
  });

  it("calls an empty file truncated, and a gzip'd unknown format unknown", async () => {
    expect((await readError(new Uint8Array(0))).truncated).toBe(true);
    const inner = await readError(gzipSync(ascii("not a snapshot")));
    expect(inner.offset).toBe(0);
    expect(inner.expected).toContain(".hmat");
  });

  it("hands .pmat files to the .pmat reader", async () => {
    // A cut Devel::MAT header: the .pmat reader's own error, not "unknown format".
    const error = await readError(ascii("PMAT\u0000\u0000"));
    expect(error.expected).not.toContain("a heap snapshot: .heapsnapshot JSON");
  });
});

describe("streamSource", () => {
  it("reads a web ReadableStream, as in a browser worker", async () => {
    const blob = new Blob([ascii(TINY)]);
    const graph = await readSnapshot(streamSource("blob", blob.stream(), blob.size));
    expect(graph.nodeCount).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { forPointReads } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { smallGraph } from "../graph/testing/small-graph.js";
import { SnapshotReadError } from "../readers/source.js";
import {
  cacheKeyMatches,
  decodeCachedSnapshot,
  decodeIndexCache,
  encodeIndexCache,
} from "./index-cache.js";

describe("index cache encoding", () => {
  const graph = smallGraph(
    [0, 10, 20, 30, 40],
    [
      [0, 1],
      [1, 2],
      [0, 3],
      [3, 2],
      [2, 4, "weak"],
    ],
  );
  const key = { size: 1234, mtimeMs: 1700000000000.5, checksum: "abc" };

  it("round-trips distances, dominators and retained sizes", () => {
    const fresh = indexHeap(graph);
    const bytes = encodeIndexCache(fresh, key);
    const decoded = decodeIndexCache(bytes, graph, { ...key })!;
    expect(decoded).not.toBeNull();
    expect(decoded.distance).toEqual(fresh.distance);
    expect(decoded.dominator).toEqual(fresh.dominator);
    expect(decoded.retainedSize).toEqual(fresh.retainedSize);
    expect(decoded.edgeStrength).toEqual(fresh.edgeStrength);
    expect(decoded.inrefs).toEqual(fresh.inrefs);
    // Aligned columns at their own width are views on the cache's bytes, not copies.
    expect(decoded.dominator.buffer).toBe(bytes.buffer);
    const reopened = indexHeap(graph, decoded);
    expect(reopened.retainedSize[0]).toBe(60); // node 4 is held weakly only
    expect(reopened.dominator[2]).toBe(0);
  });

  it("decodes from bytes at any offset (copying what is not aligned)", () => {
    const bytes = encodeIndexCache(indexHeap(graph), key);
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const decoded = decodeIndexCache(shifted.subarray(3), graph, key)!;
    expect(decoded.retainedSize).toEqual(indexHeap(graph).retainedSize);
    expect(decoded.inrefs!.inrefSource).toEqual(indexHeap(graph).inrefs.inrefSource);
  });

  it("ignores a cache of another file, another graph, or damaged bytes", () => {
    const bytes = encodeIndexCache(indexHeap(graph), key);
    expect(decodeIndexCache(bytes, graph, { ...key, checksum: "abd" })).toBeNull();
    expect(decodeIndexCache(bytes, graph, { ...key, size: 1235 })).toBeNull();
    expect(decodeIndexCache(bytes, smallGraph([0, 1], [[0, 1]]), key)).toBeNull();
    expect(decodeIndexCache(bytes.subarray(0, bytes.length - 9), graph, key)).toBeNull();
    expect(decodeIndexCache(new TextEncoder().encode("not a cache"), graph, key)).toBeNull();
  });

  it("holds the graph itself: columns as views on the bytes, strings, kinds and info", () => {
    const withTrace = {
      ...graph,
      info: { ...graph.info, pid: 42, argv: ["node", "x.js"], extra: { note: "kept" } },
      strings: [...graph.strings, "lone \ud800", "文字"],
      nodeTraceId: new Uint32Array(graph.nodeCount).fill(1),
      locations: {
        node: Uint32Array.of(3),
        scriptId: Uint32Array.of(7),
        line: Uint32Array.of(11),
        column: Uint32Array.of(2),
      },
    };
    const bytes = encodeIndexCache(indexHeap(withTrace), key);
    const cached = decodeCachedSnapshot(bytes, key)!;
    expect(cached).not.toBeNull();
    expect(cached.graph).toEqual(withTrace);
    // A column stored at its own width is a view on the bytes; narrowed ones are widened copies.
    expect(cached.indexes.dominator.buffer).toBe(bytes.buffer);
    expect(cached.graph.nodeId).toBeInstanceOf(Float64Array);
    expect(cached.indexes.retainedSize).toEqual(indexHeap(withTrace).retainedSize);
    expect(decodeCachedSnapshot(bytes, { ...key, mtimeMs: 1 })).toBeNull();
    expect(cacheKeyMatches(bytes, key)).toBe(true);
    expect(cacheKeyMatches(bytes, { ...key, checksum: "abd" })).toBe(false);
  });

  it("names the cache and the offset of a string block that does not decode to its lengths", () => {
    const marked = { ...graph, strings: [...graph.strings, "marker-ab-text"] };
    const bytes = encodeIndexCache(indexHeap(marked), key);
    const at = Buffer.from(bytes).indexOf("ab-text");
    // "ab" becomes "é": two bytes still, one code unit instead of two.
    bytes.set([0xc3, 0xa9], at);
    const cached = decodeCachedSnapshot(bytes, key)!;
    expect(() => cached.graph.strings).toThrow(SnapshotReadError);
    expect(() => cached.graph.strings).toThrow(/cache: at byte \d+: expected string block 0/);
    expect(() => forPointReads(cached.indexes).graph.strings[0]).toThrow(SnapshotReadError);
  });

  it("keeps only the indexes of a .pmat graph (its details are not MessagePack)", () => {
    const pmat = { ...graph, info: { format: "pmat" as const } };
    const bytes = encodeIndexCache(indexHeap(pmat), key);
    expect(decodeCachedSnapshot(bytes, key)).toBeNull();
    expect(decodeIndexCache(bytes, pmat, key)?.dominator).toEqual(indexHeap(pmat).dominator);
  });
});

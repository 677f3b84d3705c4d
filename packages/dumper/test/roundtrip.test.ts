import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { convertFile } from "../src/convert.js";
import { writeV8Json } from "../src/hmat-reader.js";
import {
  decodeFile,
  INDEX_ESM,
  nodesNamed,
  ordersProgram,
  removeTempDirs,
  runNode,
  tempDir,
  writeApp,
} from "./helpers.js";

describe("round trip against V8's JSON of the same heap", () => {
  afterAll(removeTempDirs);

  it("converts a tracked snapshot to .hmat and back to identical JSON", async () => {
    const dir = tempDir();
    const json = join(dir, "app.heapsnapshot");
    // --track-heap-objects: trace ids, trace tree and function infos are in the snapshot.
    const app = writeApp(
      dir,
      "app.cjs",
      `${ordersProgram(30_000)}
globalThis.fns = Array.from({ length: 20 }, (_, i) => () => i);
globalThis.text = "caf\\u00e9 \\"quoted\\" \\\\ back\\nslash \\u{1F600}";
require("node:v8").writeHeapSnapshot(${JSON.stringify(json)});`,
    );
    const run = runNode(["--track-heap-objects", app]);
    expect(run.status, run.stderr).toBe(0);

    const hmat = join(dir, "app.hmat");
    const totals = await convertFile(json, hmat);
    const original = JSON.parse(readFileSync(json, "utf8"));
    expect(totals.nodes).toBe(original.snapshot.node_count);
    expect(totals.edges).toBe(original.snapshot.edge_count);
    expect(original.trace_tree.length).toBeGreaterThan(0);
    expect(original.snapshot.meta.node_fields).toContain("detachedness");

    let text = "";
    writeV8Json(decodeFile(hmat), (piece) => {
      text += piece;
    });
    expect(JSON.parse(text)).toEqual(original);

    // The size target: at most half of the JSON after gzip -6.
    expect(statSync(hmat).size).toBeLessThan(gzipSync(readFileSync(json), { level: 6 }).length / 2);
  });

  it("a live dump() matches a V8 snapshot taken right after it: counts, ids, names", () => {
    const dir = tempDir();
    const json = join(dir, "after.heapsnapshot");
    const hmat = join(dir, "live.hmat");
    const viaInspector = join(dir, "via-inspector.hmat");
    const app = writeApp(
      dir,
      "app.mjs",
      `import { dump } from ${JSON.stringify(INDEX_ESM)};
import v8 from "node:v8";
${ordersProgram(4000)}
// The dumper loads some of Node's modules on first use: the heaps compared below have them all.
await dump(${JSON.stringify(join(dir, "warm.hmat"))});
const result = await dump(${JSON.stringify(hmat)});
await dump(${JSON.stringify(viaInspector)}, { via: "inspector" });
v8.writeHeapSnapshot(${JSON.stringify(json)});
console.log(JSON.stringify(result));`,
    );
    const run = runNode([app]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.path).toBe(hmat);
    expect(result.bytes).toBe(statSync(hmat).size);
    expect(result.blockedMs).toBeGreaterThan(0);
    expect(result.totalMs).toBeGreaterThanOrEqual(result.blockedMs);

    const decoded = decodeFile(hmat);
    const v8 = JSON.parse(readFileSync(json, "utf8"));
    const width = v8.snapshot.meta.node_fields.length;
    expect(result.nodes).toBe(decoded.tables.nodes!.length / width);
    // Same heap give or take the dump's own bookkeeping.
    expect(Math.abs(result.nodes - v8.snapshot.node_count)).toBeLessThan(
      v8.snapshot.node_count * 0.05,
    );
    const liveOrders = nodesNamed(decoded, "Order");
    expect(liveOrders).toHaveLength(4000);
    const v8Orders: number[] = [];
    const nameAt = v8.snapshot.meta.node_fields.indexOf("name");
    const idAt = v8.snapshot.meta.node_fields.indexOf("id");
    const typeAt = v8.snapshot.meta.node_fields.indexOf("type");
    const object = v8.snapshot.meta.node_types[0].indexOf("object");
    for (let o = 0; o < v8.nodes.length; o += width)
      if (v8.nodes[o + typeAt] === object && v8.strings[v8.nodes[o + nameAt]] === "Order")
        v8Orders.push(v8.nodes[o + idAt]);
    expect(liveOrders.sort()).toEqual(v8Orders.sort());
    expect(nodesNamed(decodeFile(viaInspector), "Order").sort()).toEqual(v8Orders.sort());
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(decoded.info.reason).toBe("api");
    expect(decoded.info.pid).toBeGreaterThan(0);
    expect(decoded.info.memoryUsage).toHaveProperty("heapUsed");
    expect(decoded.info.heapSpaces).toHaveProperty("old_space");
  });
});

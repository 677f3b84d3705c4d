// Runs under node:test on Node 18+ against the built package: the core dump, in both module systems.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { decodeHmat, dump, dumpSync } from "@heapmat/dumper";

const require = createRequire(import.meta.url);

class Order {
  constructor(i) {
    this.id = i;
    this.label = `order-${i}`;
  }
}
globalThis.orders = Array.from({ length: 3000 }, (_, i) => new Order(i));

/** Ids of objects named `name` in a decoded dump. */
function objectIds(decoded, name) {
  const fields = decoded.snapshot.meta.node_fields;
  const width = fields.length;
  const [type, nameAt, id] = ["type", "name", "id"].map((f) => fields.indexOf(f));
  const object = decoded.snapshot.meta.node_types[0].indexOf("object");
  const nodes = decoded.tables.nodes;
  const ids = [];
  for (let o = 0; o < nodes.length; o += width)
    if (nodes[o + type] === object && decoded.strings[nodes[o + nameAt]] === name)
      ids.push(nodes[o + id]);
  return ids.sort((a, b) => a - b);
}

const dir = mkdtempSync(join(tmpdir(), "heapmat-node-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("dumpSync writes a complete .hmat of this heap, 0600", () => {
  const file = join(dir, "sync.hmat");
  const result = dumpSync(file, { label: "matrix" });
  assert.equal(result.path, file);
  assert.equal(result.bytes, statSync(file).size);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const decoded = decodeHmat(readFileSync(file), file);
  assert.equal(decoded.info.nodeVersion, process.version);
  assert.equal(decoded.info.label, "matrix");
  assert.equal(decoded.trailer.nodes, result.nodes);
  assert.equal(objectIds(decoded, "Order").length, 3000);
});

test("dump() via a file and via the inspector give the same objects, same ids", async () => {
  const a = await dump(join(dir, "a.hmat"));
  const b = await dump(join(dir, "b.hmat"), { via: "inspector" });
  assert.ok(a.blockedMs > 0 && a.totalMs >= a.blockedMs);
  const idsA = objectIds(decodeHmat(readFileSync(a.path)), "Order");
  const idsB = objectIds(decodeHmat(readFileSync(b.path)), "Order");
  assert.equal(idsA.length, 3000);
  assert.deepEqual(idsA, idsB);
});

test("the CJS build dumps too", () => {
  const { dumpSync: dumpSyncCjs, decodeHmat: decodeCjs } = require("@heapmat/dumper");
  const file = join(dir, "cjs.hmat");
  dumpSyncCjs(file);
  assert.equal(objectIds(decodeCjs(readFileSync(file)), "Order").length, 3000);
});

// Prints the snapshot node count of a heap built with `units` (argv[2]): how NODES_PER_UNIT is set.
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { buildHeap } from "../heap/build-heap.js";

const units = Number(process.argv[2] ?? 0);
const keep = buildHeap(units);
const file = writeHeapSnapshot(join(tmpdir(), `heapmat-calibrate-${process.pid}.heapsnapshot`));
const head = readFileSync(file, "utf8").slice(0, 4096);
rmSync(file);
const nodes = Number(/"node_count":(\d+)/.exec(head)?.[1]);
const edges = Number(/"edge_count":(\d+)/.exec(head)?.[1]);
console.log(JSON.stringify({ units, nodes, edges, kept: keep.customers.size }));

// The second thread of parallelIndexes (parallel-index.ts): the dominator tree, from shared columns.
import { parentPort, workerData } from "node:worker_threads";
import {
  type DominatorInput,
  depthFirstNumbering,
  dominatorsFromNumbering,
} from "../graph/dominators.js";
import type { Inrefs } from "../graph/heap-index.js";

export interface DominatorThreadInput {
  graph: DominatorInput;
  strength: Uint8Array;
}

const { graph, strength } = workerData as DominatorThreadInput;
// The numbering needs no inrefs: it runs while the main thread builds them, which then arrive.
const numbering = depthFirstNumbering(graph, strength);
parentPort!.once("message", (inrefs: Inrefs) => {
  const tree = dominatorsFromNumbering(graph, strength, inrefs, numbering);
  // Made on this thread, on ordinary buffers: handed over, not copied.
  const buffers = [tree.dominator.buffer, tree.retainedSize.buffer] as ArrayBuffer[];
  parentPort!.postMessage(tree, buffers);
});

// The second thread of parallelIndexes (parallel-index.ts): the dominator tree, from shared columns.
import { parentPort } from "node:worker_threads";
import {
  type DominatorInput,
  depthFirstNumbering,
  dominatorsFromNumbering,
} from "../graph/dominators.js";
import type { Inrefs } from "../graph/heap-index.js";

// Started before the tables exist (readAndIndex starts it while the file is read): they come as
// the first message, the inrefs as the second.
parentPort!.once("message", (graph: DominatorInput) => {
  // The numbering needs no inrefs: it runs while the main thread builds them, which then arrive.
  const numbering = depthFirstNumbering(graph);
  parentPort!.once("message", (inrefs: Inrefs) => {
    const tree = dominatorsFromNumbering(graph, inrefs, numbering);
    // Made on this thread, on ordinary buffers: handed over, not copied.
    const buffers = [tree.dominator.buffer, tree.retainedSize.buffer];
    // With no listener left, the thread then ends by itself, freeing its scratch arrays.
    parentPort!.postMessage(tree, buffers as ArrayBuffer[]);
  });
});

import { writtenThrough } from "./fresh-pages.js";
import type { HeapIndexes } from "./heap-index.js";
import { UNREACHABLE } from "./heap-index.js";
import { memoize } from "./memo.js";

/** The dominator tree top-down, in CSR form: node i owns children[first[i] .. first[i + 1] - 1]. */
export interface DominatorChildren {
  readonly first: Uint32Array;
  readonly children: Uint32Array;
}

/** Children per node in the dominator tree (computed once per indexes). */
export const dominatorChildren = memoize((indexes: HeapIndexes): DominatorChildren => {
  const { dominator } = indexes;
  const { nodeCount, rootIndex } = indexes.graph;
  const first = writtenThrough(new Uint32Array(nodeCount + 1));
  for (let i = 0; i < nodeCount; i++) {
    if (i === rootIndex || dominator[i] === UNREACHABLE) continue;
    first[dominator[i]! + 1]!++;
  }
  for (let i = 0; i < nodeCount; i++) first[i + 1]! += first[i]!;
  const cursor = first.slice(0, nodeCount);
  const children = new Uint32Array(first[nodeCount]!);
  for (let i = 0; i < nodeCount; i++) {
    if (i === rootIndex || dominator[i] === UNREACHABLE) continue;
    children[cursor[dominator[i]!]!++] = i;
  }
  return { first, children };
});

import type { HeapGraph } from "./heap-graph.js";
import { EdgeStrength, type Inrefs, UNREACHABLE } from "./heap-index.js";

/** Immediate dominators and retained sizes, over strong edges from the root. */
export interface DominatorTree {
  /** Immediate dominator per node; the root holds itself; unreachable nodes hold UNREACHABLE. */
  dominator: Uint32Array;
  /** Self size plus the self sizes of everything the node dominates; unreachable: self size. */
  retainedSize: Float64Array;
}

/**
 * Semi-NCA (Georgiadis' variant of Lengauer-Tarjan): a depth-first numbering, semidominators by
 * link-eval with path compression, then immediate dominators by walking up the DFS tree. All
 * iterative, on typed arrays indexed by DFS number.
 */
export function buildDominatorTree(
  graph: HeapGraph,
  strength: Uint8Array,
  inrefs: Inrefs,
): DominatorTree {
  const { nodeCount, firstEdge, edgeTarget, rootIndex, nodeSelfSize } = graph;
  const NONE = UNREACHABLE;
  const STRONG = EdgeStrength.strong;

  // 1. DFS preorder over strong edges. number[node] is 1-based so 0 means "not visited".
  const number = new Uint32Array(nodeCount);
  const vertex = new Uint32Array(nodeCount); // DFS number (0-based) -> node
  const parent = new Uint32Array(nodeCount); // DFS number -> parent's DFS number
  const stackNode = new Uint32Array(nodeCount);
  const stackEdge = new Uint32Array(nodeCount);
  let count = 0;
  let top = 0;
  number[rootIndex] = ++count;
  vertex[0] = rootIndex;
  stackNode[0] = rootIndex;
  stackEdge[0] = firstEdge[rootIndex]!;
  while (top >= 0) {
    const node = stackNode[top]!;
    const e = stackEdge[top]!;
    if (e >= firstEdge[node + 1]!) {
      top--;
      continue;
    }
    stackEdge[top] = e + 1;
    if (strength[e] !== STRONG) continue;
    const target = edgeTarget[e]!;
    if (number[target] !== 0) continue;
    parent[count] = number[node]! - 1;
    vertex[count] = target;
    number[target] = ++count;
    top++;
    stackNode[top] = target;
    stackEdge[top] = firstEdge[target]!;
  }
  const reached = count;

  // 2. Semidominators in reverse DFS order. label[v] = smallest semi on v's compressed forest path.
  // Only processed (hence linked) vertices' semi and label are ever read: no initialisation needed.
  const semi = new Uint32Array(reached);
  const label = stackEdge; // reused: the DFS is over (at 20M nodes every array is 80 MB)
  const ancestor = new Uint32Array(reached).fill(NONE);
  const path = stackNode; // reused as the compression stack
  const { firstInref, inrefEdge, inrefSource } = inrefs;
  for (let w = reached - 1; w > 0; w--) {
    const node = vertex[w]!;
    let best = w; // the DFS parent is among the predecessors, so best ends up below w
    const end = firstInref[node + 1]!;
    for (let r = firstInref[node]!; r < end; r++) {
      if (strength[inrefEdge[r]!] !== STRONG) continue;
      const from = number[inrefSource[r]!]!;
      if (from === 0) continue;
      let v = from - 1;
      if (ancestor[v] !== NONE) {
        // eval(v): compress the path to just below its forest root, then read the label.
        let depth = 0;
        let u = v;
        while (ancestor[ancestor[u]!] !== NONE) {
          path[depth++] = u;
          u = ancestor[u]!;
        }
        while (depth > 0) {
          const x = path[--depth]!;
          const a = ancestor[x]!;
          if (label[a]! < label[x]!) label[x] = label[a]!;
          ancestor[x] = ancestor[a]!;
        }
        v = label[v]!;
      }
      if (v < best) best = v;
    }
    semi[w] = label[w] = best;
    ancestor[w] = parent[w]!;
  }

  // 3. Immediate dominators: the nearest ancestor whose number is at most the semidominator.
  const idom = ancestor; // reuse: no longer needed as the forest
  idom[0] = 0;
  for (let w = 1; w < reached; w++) {
    let d = parent[w]!;
    while (d > semi[w]!) d = idom[d]!;
    idom[w] = d;
  }

  // 4. Retained sizes: children come after their dominator in DFS order, so sum in reverse.
  const dominator = new Uint32Array(nodeCount).fill(NONE);
  const retainedSize = Float64Array.from(nodeSelfSize);
  for (let w = reached - 1; w > 0; w--) {
    const node = vertex[w]!;
    const owner = vertex[idom[w]!]!;
    dominator[node] = owner;
    retainedSize[owner]! += retainedSize[node]!;
  }
  dominator[rootIndex] = rootIndex;
  return { dominator, retainedSize };
}

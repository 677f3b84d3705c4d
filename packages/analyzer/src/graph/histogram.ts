import { propagateDetachedness } from "./detachedness.js";
import { dominatorChildren } from "./dominator-children.js";
import type { HeapIndexes } from "./heap-index.js";
import { memoize } from "./memo.js";

/**
 * Objects grouped by class, as DevTools' Summary view groups them: `object` and `native` nodes by
 * their name (the constructor), the rest by kind: "(string)", "(closure)", "(array)", "(system)"
 * for V8's hidden nodes, "(compiled code)" for code... Empty nodes (self size 0, not native) are left
 * out, and detached embedder nodes are "Detached <name>", as DevTools does. Perl graphs group by
 * pmat's type, as `pmat-counts` does: the kind, or the package a blessed SV belongs to.
 */
export interface Histogram {
  /** Class per node, an index into the class columns; -1 for nodes left out. */
  readonly classOf: Int32Array;
  readonly className: readonly string[];
  readonly count: Uint32Array;
  readonly selfSize: Float64Array;
  /**
   * What would be freed if every object of the class went: the retained sizes of its objects that
   * no other object of the same class dominates (so nested ones are not counted twice).
   */
  readonly retainedSize: Float64Array;
}

/** Per-class counts and sizes (computed once per indexes). */
export const histogram = memoize((indexes: HeapIndexes): Histogram => {
  const { graph } = indexes;
  const { nodeCount, nodeKind, nodeName, nodeSelfSize, nodeKinds, strings } = graph;
  // Perl graphs name every node by pmat's type (kind, or the package it is blessed into): group by it.
  const perl = graph.info.format === "pmat";
  const byName = nodeKinds.map((kind) => perl || kind === "object" || kind === "native");
  const native = nodeKinds.indexOf("native");
  const kindClass = new Int32Array(nodeKinds.length).fill(-1);
  const nameClass = new Int32Array(strings.length).fill(-1);
  const detachedClass = new Map<number, number>();
  const detached = propagateDetachedness(graph);
  const className: string[] = [];
  const classOf = new Int32Array(nodeCount).fill(-1);
  for (let i = 0; i < nodeCount; i++) {
    const kind = nodeKind[i]!;
    if (nodeSelfSize[i] === 0 && kind !== native) continue;
    let cls: number;
    if (detached !== null && detached[i] === 2 && kind === native) {
      const name = nodeName[i]!;
      cls = detachedClass.get(name) ?? -1;
      if (cls < 0) {
        cls = className.push(`Detached ${strings[name]}`) - 1;
        detachedClass.set(name, cls);
      }
    } else if (byName[kind]) {
      const name = nodeName[i]!;
      cls = nameClass[name]!;
      if (cls < 0) cls = nameClass[name] = className.push(strings[name]!) - 1;
    } else {
      cls = kindClass[kind]!;
      if (cls < 0) cls = kindClass[kind] = className.push(kindClassName(nodeKinds[kind]!)) - 1;
    }
    classOf[i] = cls;
  }

  const classes = className.length;
  const count = new Uint32Array(classes);
  const selfSize = new Float64Array(classes);
  for (let i = 0; i < nodeCount; i++) {
    const cls = classOf[i]!;
    if (cls < 0) continue;
    count[cls]!++;
    selfSize[cls]! += nodeSelfSize[i]!;
  }
  return {
    classOf,
    className,
    count,
    selfSize,
    retainedSize: classRetainedSizes(indexes, classOf, classes),
  };
});

function kindClassName(kind: string): string {
  if (kind === "hidden") return "(system)";
  if (kind === "code") return "(compiled code)";
  return `(${kind})`;
}

/** Walks the dominator tree depth-first, adding a node's retained size unless an ancestor shares its class. */
function classRetainedSizes(
  indexes: HeapIndexes,
  classOf: Int32Array,
  classes: number,
): Float64Array {
  const { first, children } = dominatorChildren(indexes);
  const { retainedSize } = indexes;
  const { nodeCount, rootIndex } = indexes.graph;
  const total = new Float64Array(classes);
  const open = new Uint32Array(classes); // how many ancestors on the current path have this class
  const stackNode = new Uint32Array(nodeCount);
  const stackChild = new Uint32Array(nodeCount);
  let top = 0;
  stackNode[0] = rootIndex;
  stackChild[0] = first[rootIndex]!;
  enter(rootIndex);
  while (top >= 0) {
    const node = stackNode[top]!;
    const c = stackChild[top]!;
    if (c < first[node + 1]!) {
      stackChild[top] = c + 1;
      const child = children[c]!;
      enter(child);
      top++;
      stackNode[top] = child;
      stackChild[top] = first[child]!;
    } else {
      const cls = classOf[node]!;
      if (cls >= 0) open[cls]!--;
      top--;
    }
  }
  return total;

  function enter(node: number) {
    const cls = classOf[node]!;
    if (cls < 0) return;
    if (open[cls] === 0) total[cls]! += retainedSize[node]!;
    open[cls]!++;
  }
}

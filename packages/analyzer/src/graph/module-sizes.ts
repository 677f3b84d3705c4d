import type { HeapGraph } from "./heap-graph.js";
import type { HeapIndexes } from "./heap-index.js";
import { UNREACHABLE } from "./heap-index.js";
import { memoize } from "./memo.js";

/**
 * Which script or module holds the memory. Every reachable object is attributed to at most one
 * script: the script of its nearest owner in the dominator tree (itself included) that belongs to
 * code. Objects that belong to code are:
 * - a closure, its SharedFunctionInfo and its Script (V8 names Script nodes by their URL or path);
 * - a function or module context ("system / Context"), via the closures whose `context` it is: this
 *   is where a module's top-level variables live (ESM), or a CommonJS module's captured ones;
 * - a CommonJS `Module` object, by its `filename`: what a CommonJS module exports hangs from it.
 * A script's retained size is the total self size of the objects attributed to it, so the scripts'
 * sizes never overlap and add up (with the unattributed rest) to the root's retained size.
 */
export interface ModuleSizes {
  /** Script URL or path per entry, largest retained size first. */
  readonly scriptName: readonly string[];
  readonly retainedSize: Float64Array;
  readonly count: Uint32Array;
  /** Entry per node (index into the columns above), -1 when no code owns the node. */
  readonly ownerOf: Int32Array;
  /** Self size of the reachable objects no code owns (V8 and Node internals, roots). */
  readonly unattributedSize: number;
}

/** Retained size per script or module (computed once per indexes). */
export const moduleSizes = memoize((indexes: HeapIndexes): ModuleSizes => {
  const { graph, dominator } = indexes;
  const { nodeCount, rootIndex, nodeSelfSize } = graph;
  const script = scriptOfCode(graph);

  // Nearest script-owning dominator, filled along each walked chain. -2 = not computed yet.
  const owner = new Int32Array(nodeCount).fill(-2);
  owner[rootIndex] = script[rootIndex]!;
  const chain = new Uint32Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) {
    if (owner[v] !== -2) continue;
    if (dominator[v] === UNREACHABLE) {
      owner[v] = -1;
      continue;
    }
    let length = 0;
    let u = v;
    while (owner[u] === -2 && script[u] === -1) {
      chain[length++] = u;
      u = dominator[u]!;
    }
    const found = owner[u] === -2 ? script[u]! : owner[u]!;
    owner[u] = found;
    while (length > 0) owner[chain[--length]!] = found;
  }

  // Group by script name (a string index), then order by size.
  const entryOf = new Map<number, number>();
  const sizes: number[] = [];
  const counts: number[] = [];
  let unattributedSize = 0;
  for (let v = 0; v < nodeCount; v++) {
    const name = owner[v]!;
    if (name < 0) {
      if (dominator[v] !== UNREACHABLE) unattributedSize += nodeSelfSize[v]!;
      continue;
    }
    let entry = entryOf.get(name);
    if (entry === undefined) {
      entry = sizes.push(0) - 1;
      counts.push(0);
      entryOf.set(name, entry);
    }
    sizes[entry]! += nodeSelfSize[v]!;
    counts[entry]!++;
  }
  const names = [...entryOf.keys()];
  const order = names.map((_, e) => e).sort((a, b) => sizes[b]! - sizes[a]!);
  const rank = new Int32Array(order.length);
  order.forEach((entry, r) => {
    rank[entry] = r;
  });
  const ownerOf = new Int32Array(nodeCount).fill(-1);
  for (let v = 0; v < nodeCount; v++) {
    const name = owner[v]!;
    if (name >= 0) ownerOf[v] = rank[entryOf.get(name)!]!;
  }
  return {
    scriptName: order.map((e) => graph.strings[names[e]!]!),
    retainedSize: Float64Array.from(order, (e) => sizes[e]!),
    count: Uint32Array.from(order, (e) => counts[e]!),
    ownerOf,
    unattributedSize,
  };
});

/** The script (as a string index) of each node that belongs to code, -1 for the others. */
function scriptOfCode(graph: HeapGraph): Int32Array {
  const {
    nodeCount,
    firstEdge,
    edgeTarget,
    edgeName,
    edgeKind,
    edgeKindIsIndex,
    nodeKind,
    nodeName,
  } = graph;
  const script = new Int32Array(nodeCount).fill(-1);
  const str = (text: string) => graph.strings.indexOf(text);
  const closureKind = graph.nodeKinds.indexOf("closure");
  const objectKind = graph.nodeKinds.indexOf("object");
  const stringKinds = graph.nodeKinds.map((k) => k === "string" || k.endsWith(" string"));
  const [shared, scriptEdge, scriptOrDebugInfo, context, filename, contextName, moduleName] = [
    "shared",
    "script",
    "script_or_debug_info",
    "context",
    "filename",
    "system / Context",
    "Module",
  ].map(str) as [number, number, number, number, number, number, number];
  const edgeNamed = (node: number, name: number) => {
    if (name < 0) return -1;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++)
      if (edgeKindIsIndex[edgeKind[e]!] === 0 && edgeName[e] === name) return edgeTarget[e]!;
    return -1;
  };
  for (let v = 0; v < nodeCount; v++) {
    const kind = nodeKind[v]!;
    if (kind === closureKind) {
      const sfi = edgeNamed(v, shared);
      if (sfi < 0) continue;
      let scriptNode = edgeNamed(sfi, scriptOrDebugInfo);
      if (scriptNode < 0) scriptNode = edgeNamed(sfi, scriptEdge);
      if (scriptNode < 0 || graph.strings[nodeName[scriptNode]!] === "") continue;
      const name = nodeName[scriptNode]!;
      script[v] = script[sfi] = script[scriptNode] = name;
      const ctx = edgeNamed(v, context);
      if (ctx >= 0 && nodeName[ctx] === contextName && script[ctx] === -1) script[ctx] = name;
    } else if (kind === objectKind && nodeName[v] === moduleName) {
      const file = edgeNamed(v, filename);
      if (file >= 0 && stringKinds[nodeKind[file]!]) script[v] = nodeName[file]!;
    }
  }
  return script;
}

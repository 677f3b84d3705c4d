import type { HeapIndexes } from "../graph/heap-index.js";
import { moduleSizes } from "../graph/module-sizes.js";
import { describe } from "./describe.js";
import { globalObjects } from "./retainers.js";
import { edgeNameOf, nameOf, vocabulary } from "./vocabulary.js";

/** A root or a global, with what it holds. JSON-serialisable. */
export interface NamedObject {
  /** The root category (`(Stack roots)`, `the global object`…) or the global's property name. */
  name: string;
  id: number;
  index: number;
  description: string;
  retainedSize: number;
}

/** Root edges of a .pmat graph that pmat's `roots` leaves out: symbols, globs, the stack, mortals. */
const PMAT_WALKED = /^(the symbol|the glob|a value on the stack|a mortal)\b/;

/**
 * The roots: what the synthetic root holds directly (the global objects, embedder roots) and the
 * GC root categories under `(GC roots)`, like pmat's `roots`.
 */
export function roots(index: HeapIndexes): NamedObject[] {
  const graph = index.graph;
  const synthetic = vocabulary(graph).synthetic;
  const globals = globalObjects(graph);
  const out: NamedObject[] = [];
  const add = (name: string, node: number) =>
    out.push({
      name,
      id: graph.nodeId[node]!,
      index: node,
      description: describe(index, node),
      retainedSize: index.retainedSize[node]!,
    });
  const root = graph.rootIndex;
  if (graph.info.format === "pmat") {
    // pmat's roots: the interpreter's named roots, not the symbol table and stack it also walks.
    for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e++) {
      const name = String(edgeNameOf(graph, e));
      if (!PMAT_WALKED.test(name)) add(name, graph.edgeTarget[e]!);
    }
    return out;
  }
  for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e++) {
    const target = graph.edgeTarget[e]!;
    if (globals.has(target)) add("the global object", target);
    else if (graph.nodeKind[target] === synthetic && nameOf(graph, target) === "(GC roots)") {
      for (let g = graph.firstEdge[target]!; g < graph.firstEdge[target + 1]!; g++) {
        const category = graph.edgeTarget[g]!;
        add(nameOf(graph, category), category);
      }
    } else add(nameOf(graph, target) || String(edgeNameOf(graph, e)), target);
  }
  return out;
}

/** The properties of the global object(s): Node's analogue of pmat's symbols, by name. */
export function globals(index: HeapIndexes): NamedObject[] {
  const graph = index.graph;
  const property = vocabulary(graph).edge.property;
  const out: NamedObject[] = [];
  for (const global of globalObjects(graph)) {
    for (let e = graph.firstEdge[global]!; e < graph.firstEdge[global + 1]!; e++) {
      if (graph.edgeKind[e] !== property) continue;
      const target = graph.edgeTarget[e]!;
      out.push({
        name: String(edgeNameOf(graph, e)),
        id: graph.nodeId[target]!,
        index: target,
        description: describe(index, target),
        retainedSize: index.retainedSize[target]!,
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One script or module and the memory it holds. JSON-serialisable. */
export interface ModuleRow {
  /** File path (CommonJS) or URL (ESM). */
  script: string;
  /** Bytes of the objects this module's code owns (nearest code owner in the dominator tree). */
  retainedSize: number;
  count: number;
}

/** Which module holds the memory: retained size per script, largest first. */
export function modules(index: HeapIndexes): ModuleRow[] {
  const sizes = moduleSizes(index);
  return sizes.scriptName.map((script, m) => ({
    script,
    retainedSize: sizes.retainedSize[m]!,
    count: sizes.count[m]!,
  }));
}

import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { pmatDescribe } from "../readers/pmat-details.js";
import { baseName, formatBytes, quote } from "./format.js";
import {
  edgeNameOf,
  follow,
  isString,
  kindOf,
  nameOf,
  stringValue,
  vocabulary,
} from "./vocabulary.js";

/** Where a closure's code is. `line` and `column` are 1-based. */
export interface SourceLocation {
  script: string;
  line: number;
  column: number;
}

const locationRowOf = new WeakMap<HeapGraph, (node: number) => number>();

/** Row lookup in V8's `locations`: binary search when rows come in node order (V8 writes them so). */
function locationRow(graph: HeapGraph, locations: NonNullable<HeapGraph["locations"]>) {
  let lookup = locationRowOf.get(graph);
  if (!lookup) {
    const nodes = locations.node;
    let sorted = true;
    for (let r = 1; r < nodes.length && sorted; r++) sorted = nodes[r - 1]! <= nodes[r]!;
    if (sorted) {
      lookup = (node) => {
        let lo = 0;
        let hi = nodes.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (nodes[mid]! < node) lo = mid + 1;
          else if (nodes[mid]! > node) hi = mid - 1;
          else return mid;
        }
        return -1;
      };
    } else {
      // A typed table by node index: filling a Map with a million closures' rows took a quarter
      // of a second, paid by the first identify.
      // Row + 1, so that a fresh (zeroed) table means "no row".
      const rows = new Uint32Array(graph.nodeCount);
      for (let r = 0; r < nodes.length; r++) if (nodes[r]! < rows.length) rows[nodes[r]!] = r + 1;
      lookup = (node) => (rows[node] ?? 0) - 1;
    }
    locationRowOf.set(graph, lookup);
  }
  return lookup;
}

/** The source location of a closure (or any node V8 gave a location), or null. */
export function sourceLocation(graph: HeapGraph, node: number): SourceLocation | null {
  const locations = graph.locations;
  if (!locations) return null;
  const row = locationRow(graph, locations)(node);
  if (row < 0) return null;
  return {
    script: scriptName(graph, node) ?? `script ${locations.scriptId[row]}`,
    line: locations.line[row]! + 1,
    column: locations.column[row]! + 1,
  };
}

/** The script (file path or URL) a closure's code comes from: closure -> shared -> script. */
export function scriptName(graph: HeapGraph, closure: number): string | null {
  const shared = follow(graph, closure, "shared");
  if (shared < 0) return null;
  const script = follow(graph, shared, "script_or_debug_info");
  if (script < 0) return null;
  const name = nameOf(graph, script);
  return name && !name.startsWith("system / ") ? name : null;
}

/** A closure's function name, or "(anonymous)". */
export function functionName(graph: HeapGraph, closure: number): string {
  return nameOf(graph, closure) || "(anonymous)";
}

/** `the closure 'onData' (app.mjs:12)`: how a programmer recognises a function. */
export function closurePhrase(graph: HeapGraph, closure: number): string {
  const where = sourceLocation(graph, closure);
  const at = where ? ` (${baseName(where.script)}:${where.line})` : "";
  return `the closure '${functionName(graph, closure)}'${at}`;
}

/**
 * What a programmer would call the object's type: the constructor name, a plain object's shape
 * (`{resolve, job}`, as DevTools shows it), `closure 'f' (x.mjs:3)`, a quoted string value, or V8's
 * label.
 */
export function typeName(graph: HeapGraph, node: number): string {
  const v = vocabulary(graph);
  const kind = graph.nodeKind[node];
  const name = nameOf(graph, node);
  if (isString(graph, node)) return quote(stringValue(graph, node, 64));
  if (kind === v.closure) {
    const where = sourceLocation(graph, node);
    const at = where ? ` (${baseName(where.script)}:${where.line})` : "";
    return `closure '${functionName(graph, node)}'${at}`;
  }
  if (kind === v.object && name === "Object") {
    // A class's prototype object: name it after the class, as code does.
    const ctor = follow(graph, node, "constructor");
    if (ctor >= 0 && graph.nodeKind[ctor] === v.closure && nameOf(graph, ctor))
      return `${nameOf(graph, ctor)}.prototype`;
    return shapeOf(graph, node);
  }
  if (name) return name;
  return `(${kindOf(graph, node)})`;
}

/** `{a, b, c, …}` from a plain object's own property names. */
function shapeOf(graph: HeapGraph, node: number): string {
  const property = vocabulary(graph).edge.property;
  const names: string[] = [];
  let more = false;
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (graph.edgeKind[e] !== property) continue;
    const name = String(edgeNameOf(graph, e));
    if (name === "__proto__" || name.startsWith("<symbol")) continue;
    if (names.length === 4) {
      more = true;
      break;
    }
    names.push(name);
  }
  if (names.length === 0) return "Object";
  return `{${names.join(", ")}${more ? ", …" : ""}}`;
}

/** `SessionRecord @86653`: the type name and the object id; pmat's `HASH(3)=My::Session at 0x55…` for a Perl SV. */
export function label(graph: HeapGraph, node: number): string {
  return pmatDescribe(graph, node) ?? `${typeName(graph, node)} @${graph.nodeId[node]}`;
}

/** The short label: `SessionRecord @86653 (488 B, retains 1.2 KiB)`. */
export function describe(index: HeapIndexes, node: number): string {
  const self = index.graph.nodeSelfSize[node]!;
  const retained = index.retainedSize[node]!;
  return `${label(index.graph, node)} (${formatBytes(self)}, retains ${formatBytes(retained)})`;
}

/** Throws a RangeError unless `node` is a node index of the graph (not an object id). */
export function checkNode(graph: HeapGraph, node: number): void {
  if (!Number.isInteger(node) || node < 0 || node >= graph.nodeCount)
    throw new RangeError(
      `node index ${node} is not in this heap (0..${graph.nodeCount - 1}); for an object id use nodeIndexOf(id)`,
    );
}

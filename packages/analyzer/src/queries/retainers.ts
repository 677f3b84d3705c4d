import { parseEphemeron, strengthOfEdge } from "../graph/edge-strength.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { EdgeStrength, type HeapIndexes, UNREACHABLE } from "../graph/heap-index.js";
import { closurePhrase, label, scriptName } from "./describe.js";
import { quote } from "./format.js";
import { perlRetainer } from "./perl-retainers.js";
import {
  edgeNameOf,
  follow,
  isString,
  kindOf,
  nameOf,
  slotTarget,
  vocabulary,
} from "./vocabulary.js";

// Names one retaining edge in the code's own words. Node's and V8's internal hops (Map tables,
// context cells, module records, timer lists, promise reactions) are folded into the one step a
// programmer recognises; the step's `holder` is where the path continues.

/** Why a path stops at this step. */
export type PathEnd = "root" | "module" | "global" | "timer";

/** One retaining relation, already put into words. */
export interface Retainer {
  /** "a value in Map @123 (key 'abc')". */
  text: string;
  /** Node index of the object that holds the retained one; the path goes on from here. */
  holder: number;
  /** The raw edges (edge indexes) between holder and the retained object, holder first. */
  edges: number[];
  /** Set when the path ends here: a GC root, a module variable, a global, a timer. */
  end?: PathEnd;
}

/** The raw V8 step: `property 'cache' of Cache @789`, `internal 'table' of Map @12`. */
export function rawRetainer(graph: HeapGraph, source: number, edge: number): Retainer {
  const kind = graph.edgeKinds[graph.edgeKind[edge]!] ?? "edge";
  const name = edgeNameOf(graph, edge);
  const shown = typeof name === "number" ? String(name) : `'${name}'`;
  const step: Retainer = {
    text: `${kind} ${shown} of ${label(graph, source)}`,
    holder: source,
    edges: [edge],
  };
  if (source === graph.rootIndex) {
    step.text = `${kind} ${shown} of the root`;
    step.end = "root";
  }
  return step;
}

/** The retainers of `node` as raw (source, edge) pairs, filtered by edge strength. */
export function* inrefsOf(
  index: HeapIndexes,
  node: number,
  weak: boolean,
): Generator<[source: number, edge: number]> {
  const { firstInref, inrefEdge, inrefSource } = index.inrefs;
  const strengthOf = strengthOfEdge(index.graph);
  for (let r = firstInref[node]!; r < firstInref[node + 1]!; r++) {
    const edge = inrefEdge[r]!;
    const source = inrefSource[r]!;
    const s = strengthOf(edge, source);
    if (s === EdgeStrength.shortcut) continue;
    if (s === EdgeStrength.weak && !weak) continue;
    yield [source, edge];
  }
}

/** Puts the edge `source --edge-->` (to the retained object) into words, folding internal hops. */
export function explainRetainer(index: HeapIndexes, source: number, edge: number): Retainer {
  const graph = index.graph;
  if (graph.info.format === "pmat") return perlRetainer(index, source, edge);
  const v = vocabulary(graph);
  const kind = graph.edgeKind[edge]!;
  const name = edgeNameOf(graph, edge);
  const sourceName = nameOf(graph, source);
  const direct = (text: string, end?: PathEnd): Retainer => ({
    text,
    holder: source,
    edges: [edge],
    ...(end && { end }),
  });

  if (source === graph.rootIndex || graph.nodeKind[source] === v.synthetic) {
    if (kind === v.edge.shortcut) return direct("the global object", "root");
    const root = sourceName || kindOf(graph, source);
    return direct(`a GC root ${root.startsWith("(") ? root : `(${root})`}`, "root");
  }

  if (kind === v.edge.internal && typeof name === "string" && name.includes(" pair in WeakMap ")) {
    const entry = weakMapEntry(index, source, name, edge);
    if (entry) return entry;
  }
  if (sourceName === "system / Context" && name === "extension") {
    const awaiting = awaitingPromise(index, source, edge);
    if (awaiting) return awaiting;
  }
  if (sourceName === "Generator" && name === "parameters_and_registers")
    return direct(`the locals of ${asyncPhrase(graph, source)}`);
  if (sourceName === "system / Context") return contextVariable(index, source, edge);
  if (sourceName === "system / Cell" && name === "value") {
    const exported = moduleExport(index, source);
    if (exported) return { ...exported, edges: [...exported.edges, edge] };
  }
  if (graph.nodeKind[source] === v.array) {
    const entry = collectionEntry(index, source, edge) ?? asyncLocal(index, source, edge);
    if (entry) return entry;
  }
  if (sourceName === "system / PromiseReaction") {
    const promise = promiseOf(index, source);
    if (promise) return promise.withEdge(edge);
  }

  if (kind === v.edge.property) {
    if (globalObjects(graph).has(source)) return direct(`a global '${name}'`, "global");
    if (name === "__proto__") return direct(`the prototype of ${label(graph, source)}`);
    if (sourceName === "Timeout" && name === "_onTimeout") {
      const repeats = follow(graph, source, "_repeat") < 0;
      return direct(
        `a timer (${repeats ? "setInterval" : "setTimeout"}) @${graph.nodeId[source]}`,
        "timer",
      );
    }
    if (sourceName === "Immediate" && name === "_onImmediate")
      return direct(`an immediate (setImmediate) @${graph.nodeId[source]}`, "timer");
    if (sourceName === "TimersList" || sourceName === "ImmediateList")
      return direct("Node's timer list", "timer");
    // `_events` and `module.exports` have a referrer or two; a prototype can have millions.
    if (fewInrefs(index, source)) {
      const listener =
        listenerOf(index, source, String(name), [edge]) ?? onceListener(index, source, name, edge);
      if (listener) return listener;
      const exported = commonJsExport(index, source, String(name), edge);
      if (exported) return exported;
    }
    return direct(`property '${name}' of ${label(graph, source)}`);
  }
  if (kind === v.edge.element) {
    const listeners = fewInrefs(index, source) ? eventsOwner(index, source) : null;
    if (listeners) {
      const listener = listenerOf(index, listeners.events, listeners.event, [listeners.edge, edge]);
      if (listener) return listener;
    }
    return direct(`element ${name} of ${label(graph, source)}`);
  }
  if (graph.nodeKind[source] === v.closure && name === "context")
    return direct(`the scope of ${closurePhrase(graph, source)}`);
  return rawRetainer(graph, source, edge);
}

/** A variable in a closure scope or module scope: `the variable 'x' of module file:///…`. */
function contextVariable(index: HeapIndexes, context: number, edge: number): Retainer {
  const graph = index.graph;
  const v = vocabulary(graph);
  const kind = graph.edgeKind[edge]!;
  const name = edgeNameOf(graph, edge);
  const variable = kind === v.edge.context ? `the variable '${name}'` : "a variable";
  if (kind === v.edge.internal && name === "previous") {
    // `node` is itself a scope, enclosing the inner one.
    const inner = closureOf(index, context);
    if (inner >= 0)
      return {
        text: `the enclosing scope of ${closurePhrase(graph, inner)}`,
        holder: inner,
        edges: [findContextEdge(graph, inner), edge],
      };
    return rawRetainer(graph, context, edge);
  }
  if (kind !== v.edge.context && kind !== v.edge.hidden) return rawRetainer(graph, context, edge);
  const module = moduleOfContext(index, context);
  if (module !== null)
    return {
      text: `${variable} of module ${module}`,
      holder: context,
      edges: [edge],
      end: "module",
    };
  const closure = closureOf(index, context);
  if (closure >= 0)
    return {
      text: `${variable} of ${closurePhrase(graph, closure)}`,
      holder: closure,
      edges: [findContextEdge(graph, closure), edge],
    };
  return {
    text: `${variable} of a scope @${graph.nodeId[context]}`,
    holder: context,
    edges: [edge],
  };
}

function findContextEdge(graph: HeapGraph, closure: number): number {
  for (let e = graph.firstEdge[closure]!; e < graph.firstEdge[closure + 1]!; e++)
    if (edgeNameOf(graph, e) === "context") return e;
  return -1;
}

/** The closure nearest the roots whose scope is `context`, or -1. */
function closureOf(index: HeapIndexes, context: number): number {
  const graph = index.graph;
  const v = vocabulary(graph);
  let best = -1;
  for (const [source, edge] of inrefsOf(index, context, false)) {
    if (graph.nodeKind[source] !== v.closure || edgeNameOf(graph, edge) !== "context") continue;
    if (best < 0 || index.distance[source]! < index.distance[best]!) best = source;
  }
  return best;
}

/**
 * The module a top-level scope belongs to, or null when `context` is a function's scope. ESM:
 * the scope's extension is the module record, whose ModuleWrap knows the URL. CommonJS: the
 * scope encloses the module wrapper's functions, whose script is the file.
 */
function moduleOfContext(index: HeapIndexes, context: number): string | null {
  const graph = index.graph;
  const extension = follow(graph, context, "extension");
  if (extension >= 0 && nameOf(graph, extension) === "system / SourceTextModule")
    return moduleUrl(index, extension) ?? "(an ES module)";
  const previous = follow(graph, context, "previous");
  if (previous < 0 || nameOf(graph, previous) !== "system / NativeContext") return null;
  const v = vocabulary(graph);
  for (const [source, edge] of inrefsOf(index, context, false)) {
    if (graph.nodeKind[source] !== v.closure || edgeNameOf(graph, edge) !== "context") continue;
    const script = scriptName(graph, source);
    if (script) return script;
  }
  return "(a script)";
}

/** The URL of an ES module record, from the ModuleWrap that owns it. */
function moduleUrl(index: HeapIndexes, record: number): string | null {
  const graph = index.graph;
  for (const [source] of inrefsOf(index, record, true)) {
    if (nameOf(graph, source) !== "ModuleWrap") continue;
    const url = follow(graph, source, "url");
    if (url >= 0 && isString(graph, url)) return nameOf(graph, url);
  }
  return null;
}

/** An exported ES module variable lives in a Cell listed in the module record's export table. */
function moduleExport(index: HeapIndexes, cell: number): Retainer | null {
  const graph = index.graph;
  for (const [table, edge] of inrefsOf(index, cell, false)) {
    const slot = edgeNameOf(graph, edge);
    const position = Number(slot);
    if (!Number.isInteger(position) || position < 1) continue;
    const key = slotTarget(graph, table, position - 1);
    if (key < 0 || !isString(graph, key)) continue;
    for (const [record, recordEdge] of inrefsOf(index, table, false)) {
      if (nameOf(graph, record) !== "system / SourceTextModule") continue;
      const url = moduleUrl(index, record) ?? "(an ES module)";
      return {
        text: `the variable '${nameOf(graph, key)}' of module ${url}`,
        holder: record,
        edges: [recordEdge, edge],
        end: "module",
      };
    }
  }
  return null;
}

/**
 * A key, value or entry of a Map or Set, from its backing OrderedHashMap/Set: a header of 3
 * slots, then `buckets` slots, then entries of (key, value, chain) or (key, chain).
 */
function collectionEntry(index: HeapIndexes, table: number, edge: number): Retainer | null {
  const graph = index.graph;
  let owner = -1;
  let ownerEdge = -1;
  for (const [source, e] of inrefsOf(index, table, false)) {
    if (edgeNameOf(graph, e) === "table") {
      owner = source;
      ownerEdge = e;
      break;
    }
  }
  if (owner < 0) return null;
  const slot = Number(edgeNameOf(graph, edge));
  if (!Number.isInteger(slot)) return null;
  const ownerName = nameOf(graph, owner);
  const isSet = /Set$/.test(ownerName);
  const entrySize = isSet ? 2 : 3;
  const slots = (graph.nodeSelfSize[table]! - 16) / 8; // FixedArray: map + length, 8-byte slots
  const buckets = (slots - 3) / (1 + 2 * entrySize);
  const edges = [ownerEdge, edge];
  const holder = `${ownerName} @${graph.nodeId[owner]}`;
  if (!Number.isInteger(buckets) || slot < 3 + buckets)
    return { text: `an entry in ${holder}`, holder: owner, edges };
  const field = (slot - 3 - buckets) % entrySize;
  if (isSet) return { text: `an element of ${holder}`, holder: owner, edges };
  if (field === 0) return { text: `a key in ${holder}`, holder: owner, edges };
  const key = slotTarget(graph, table, slot - 1);
  const keyText =
    key < 0 ? "" : ` (key ${isString(graph, key) ? quote(nameOf(graph, key)) : label(graph, key)})`;
  return { text: `a value in ${holder}${keyText}`, holder: owner, edges };
}

/** A property of a CommonJS module's `module.exports`: `the export 'x' of module /srv/x.js`. */
function commonJsExport(
  index: HeapIndexes,
  exports: number,
  name: string,
  edge: number,
): Retainer | null {
  const graph = index.graph;
  for (const [module, moduleEdge] of inrefsOf(index, exports, false)) {
    if (edgeNameOf(graph, moduleEdge) !== "exports" || nameOf(graph, module) !== "Module") continue;
    const filename = follow(graph, module, "filename");
    const file =
      filename >= 0 && isString(graph, filename)
        ? nameOf(graph, filename)
        : `@${graph.nodeId[module]}`;
    return {
      text: `the export '${name}' of module ${file}`,
      holder: module,
      edges: [moduleEdge, edge],
      end: "module",
    };
  }
  return null;
}

/**
 * A WeakMap value: V8 links it from both the key and the table with an internal edge named
 * "part of key (K @k) -> value (V @v) pair in WeakMap (table @t)"; it lives while both do.
 */
function weakMapEntry(
  index: HeapIndexes,
  source: number,
  name: string,
  edge: number,
): Retainer | null {
  const graph = index.graph;
  const pair = parseEphemeron(name);
  if (!pair) return null;
  const key = index.nodeIndexOf(pair.keyId);
  const table = index.nodeIndexOf(pair.tableId);
  let weakMap = -1;
  let tableEdge = -1;
  if (table >= 0)
    for (const [owner, e] of inrefsOf(index, table, true))
      if (edgeNameOf(graph, e) === "table") {
        weakMap = owner;
        tableEdge = e;
      }
  const map = weakMap >= 0 ? label(graph, weakMap) : "a WeakMap";
  const keyText = key >= 0 ? label(graph, key) : `@${pair.keyId}`;
  if (source === table && weakMap >= 0)
    return {
      text: `a value in ${map} (key ${keyText})`,
      holder: weakMap,
      edges: [tableEdge, edge],
    };
  return { text: `the value for key ${keyText} in ${map}`, holder: source, edges: [edge] };
}

/** `the async function 'handle' (x.mjs:3)`, from a suspended async function's Generator. */
function asyncPhrase(graph: HeapGraph, generator: number): string {
  const fn = follow(graph, generator, "function");
  return fn >= 0
    ? closurePhrase(graph, fn).replace(/^the closure/, "the async function")
    : "an async function";
}

/** A local of a suspended async function: a slot of its Generator's register file. */
function asyncLocal(index: HeapIndexes, registers: number, edge: number): Retainer | null {
  const graph = index.graph;
  for (const [generator, e] of inrefsOf(index, registers, false)) {
    if (edgeNameOf(graph, e) !== "parameters_and_registers") continue;
    return {
      text: `a local variable of ${asyncPhrase(graph, generator)}`,
      holder: generator,
      edges: [e, edge],
    };
  }
  return null;
}

/**
 * A suspended async function (its Generator) hangs off the scope of the closures `await` made,
 * which are the reactions of the promise it awaits.
 */
function awaitingPromise(index: HeapIndexes, context: number, edge: number): Retainer | null {
  const graph = index.graph;
  const resume = closureOf(index, context);
  if (resume < 0) return null;
  for (const [reaction, reactionEdge] of inrefsOf(index, resume, false)) {
    if (nameOf(graph, reaction) !== "system / PromiseReaction") continue;
    const promise = promiseOf(index, reaction);
    if (!promise) continue;
    const step = promise.withEdge(reactionEdge);
    return {
      text: step.text.replace(/^a reaction to/, "suspended, awaiting"),
      holder: step.holder,
      edges: [...step.edges, findContextEdge(graph, resume), edge],
    };
  }
  return null;
}

/** A then/catch/finally callback: the reaction hangs off the pending promise. */
function promiseOf(
  index: HeapIndexes,
  reaction: number,
): { withEdge(edge: number): Retainer } | null {
  const graph = index.graph;
  let current = reaction;
  const edges: number[] = [];
  // Reactions chain through `next` when several callbacks wait on one promise.
  for (let hops = 0; hops < 64; hops++) {
    let next = -1;
    for (const [source, edge] of inrefsOf(index, current, false)) {
      const name = edgeNameOf(graph, edge);
      if (name === "reactions_or_result") {
        edges.unshift(edge);
        return {
          withEdge: (last) => ({
            text: `a reaction to ${label(graph, source)}`,
            holder: source,
            edges: [...edges, last],
          }),
        };
      }
      if (nameOf(graph, source) === "system / PromiseReaction") {
        next = source;
        edges.unshift(edge);
      }
    }
    if (next < 0) return null;
    current = next;
  }
  return null;
}

/** When `events` is an EventEmitter's `_events`, the listener step for event `event`. */
function listenerOf(
  index: HeapIndexes,
  events: number,
  event: string,
  edges: number[],
): Retainer | null {
  const graph = index.graph;
  for (const [emitter, edge] of inrefsOf(index, events, false)) {
    if (edgeNameOf(graph, edge) !== "_events") continue;
    return {
      text: `a listener for '${event}' of ${label(graph, emitter)}`,
      holder: emitter,
      edges: [edge, ...edges],
    };
  }
  return null;
}

/** `once` listeners sit in `_events` as a bound wrapper whose `listener` property is the function. */
function onceListener(
  index: HeapIndexes,
  wrapper: number,
  name: string | number,
  edge: number,
): Retainer | null {
  const graph = index.graph;
  const v = vocabulary(graph);
  if (name !== "listener" || graph.nodeKind[wrapper] !== v.closure) return null;
  for (const [holder, holderEdge] of inrefsOf(index, wrapper, false)) {
    let found: Retainer | null = null;
    if (graph.edgeKind[holderEdge] === v.edge.property)
      found = listenerOf(index, holder, String(edgeNameOf(graph, holderEdge)), [holderEdge, edge]);
    else if (graph.edgeKind[holderEdge] === v.edge.element) {
      const owner = eventsOwner(index, holder);
      if (owner)
        found = listenerOf(index, owner.events, owner.event, [owner.edge, holderEdge, edge]);
    }
    if (found) return { ...found, text: found.text.replace(/^a listener/, "a once listener") };
  }
  return null;
}

/** When `array` is the listener array of an `_events` object: that object, the event and edge. */
function eventsOwner(
  index: HeapIndexes,
  array: number,
): { events: number; event: string; edge: number } | null {
  const graph = index.graph;
  if (nameOf(graph, array) !== "Array") return null;
  for (const [events, edge] of inrefsOf(index, array, false)) {
    if (graph.edgeKind[edge] !== vocabulary(graph).edge.property) continue;
    return { events, event: String(edgeNameOf(graph, edge)), edge };
  }
  return null;
}

const globalsCache = new WeakMap<HeapGraph, Set<number>>();

/** The global objects: V8 marks them with shortcut edges from the synthetic root. */
export function globalObjects(graph: HeapGraph): Set<number> {
  let set = globalsCache.get(graph);
  if (!set) {
    set = new Set();
    const shortcut = vocabulary(graph).edge.shortcut;
    const root = graph.rootIndex;
    for (let e = graph.firstEdge[root]!; e < graph.firstEdge[root + 1]!; e++)
      if (graph.edgeKind[e] === shortcut) set.add(graph.edgeTarget[e]!);
    globalsCache.set(graph, set);
  }
  return set;
}

/** True when `node` has at most `max` referrers: cheap to scan for a structural one. */
function fewInrefs(index: HeapIndexes, node: number, max = 64): boolean {
  const { firstInref } = index.inrefs;
  return firstInref[node + 1]! - firstInref[node]! <= max;
}

/** True when `holder` is nearer the roots than `node`: the step lies on a shortest path. */
export function isCloser(index: HeapIndexes, holder: number, node: number): boolean {
  const d = index.distance;
  return d[node] === UNREACHABLE || d[holder]! < d[node]!;
}

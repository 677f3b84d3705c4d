import type { HeapIndexes } from "../graph/heap-index.js";
import { pmatDetails, pmatString } from "../readers/pmat-details.js";
import { scriptName } from "./describe.js";
import { nameOf, stringValue, vocabulary } from "./vocabulary.js";

/** An inclusive numeric range; either end may be left open. */
export interface Range {
  min?: number;
  max?: number;
}

/**
 * One condition on an object. Plain data (JSON-serialisable), so the shell can parse, print and
 * store them; `find` ANDs a list of them.
 */
export type Filter =
  /** V8 node kind: object, closure, string, array, number, hidden, native… */
  | { by: "kind"; kind: string }
  /** Constructor name (the node name of an object), exactly. */
  | { by: "constructor"; name: string }
  /** String content matches a regular expression (source and flags). */
  | { by: "string"; pattern: string; flags?: string }
  /** Closures by function name (exact) and/or script (substring of the file path or URL). */
  | { by: "closure"; name?: string; script?: string }
  /** Heap numbers equal to `value` (only when the dump records number values). */
  | { by: "number"; value: number }
  | { by: "selfSize"; range: Range }
  | { by: "retainedSize"; range: Range }
  /** Object id range: "allocated between ids a..b" (ids grow with allocation order). */
  | { by: "id"; range: Range }
  | { by: "not"; filter: Filter }
  | { by: "any"; filters: Filter[] };

type Test = (node: number) => boolean;

/** Compiles filters into one predicate over node indexes. */
export function compileFilter(index: HeapIndexes, filters: Filter | readonly Filter[]): Test {
  const list = Array.isArray(filters) ? filters : [filters as Filter];
  const tests = list.map((filter) => compileOne(index, filter));
  return (node) => tests.every((test) => test(node));
}

function compileOne(index: HeapIndexes, filter: Filter): Test {
  const graph = index.graph;
  const v = vocabulary(graph);
  const isText = (node: number) => {
    const kind = graph.nodeKind[node];
    return kind === v.string || kind === v.concatString || kind === v.slicedString;
  };
  const inRange = (value: number, range: Range) =>
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max);
  switch (filter.by) {
    case "kind": {
      const kind = graph.nodeKinds.indexOf(filter.kind);
      // A misspelt kind would silently match nothing: say which kinds this heap has.
      if (kind < 0)
        throw new FilterSyntaxError(
          `kind=${filter.kind}`,
          5,
          `one of ${graph.nodeKinds.join(", ")}`,
        );
      return (node) => graph.nodeKind[node] === kind;
    }
    case "constructor": {
      // Compare string indexes, not strings, in the hot loop. A name may sit at several indexes
      // (a .pmat's strings are not all interned): flag every one.
      const named = new Uint8Array(graph.strings.length);
      graph.strings.forEach((text, i) => {
        if (text === filter.name) named[i] = 1;
      });
      return (node) =>
        named[graph.nodeName[node]!] === 1 &&
        graph.nodeKind[node] !== v.closure &&
        graph.nodeKind[node] !== v.code &&
        !isText(node);
    }
    case "string": {
      const regex = new RegExp(filter.pattern, filter.flags);
      const perl = pmatDetails(graph);
      if (perl) {
        // Perl scalars keep their string values beside the graph.
        return (node) => {
          const text = pmatString(perl, node);
          return text !== undefined && regex.test(text);
        };
      }
      // One test per distinct value: 0 untested, 1 no, 2 yes, per interned string.
      const verdict = new Uint8Array(graph.strings.length);
      return (node) => {
        if (!isText(node)) return false;
        if (graph.nodeKind[node] === v.concatString) return regex.test(stringValue(graph, node));
        const name = graph.nodeName[node]!;
        if (verdict[name] === 0) verdict[name] = regex.test(graph.strings[name]!) ? 2 : 1;
        return verdict[name] === 2;
      };
    }
    case "closure": {
      const { name, script } = filter;
      return (node) =>
        graph.nodeKind[node] === v.closure &&
        (name === undefined || nameOf(graph, node) === name) &&
        (script === undefined || (scriptName(graph, node) ?? "").includes(script));
    }
    case "number": {
      const perlNumbers = pmatDetails(graph)?.num;
      if (perlNumbers) return (node) => perlNumbers[node] === filter.value;
      const number = vocabulary(graph).number;
      return (node) =>
        graph.nodeKind[node] === number && Number(nameOf(graph, node)) === filter.value;
    }
    case "selfSize":
      return (node) => inRange(graph.nodeSelfSize[node]!, filter.range);
    case "retainedSize": {
      const retained = index.retainedSize;
      return (node) => inRange(retained[node]!, filter.range);
    }
    case "id":
      return (node) => inRange(graph.nodeId[node]!, filter.range);
    case "not": {
      const test = compileOne(index, filter.filter);
      return (node) => !test(node);
    }
    case "any": {
      const tests = filter.filters.map((f) => compileOne(index, f));
      return (node) => tests.some((test) => test(node));
    }
  }
}

/** Node indexes of the objects matching every filter, in node order, at most `limit` of them. */
export function find(
  index: HeapIndexes,
  filters: Filter | readonly Filter[],
  options: { limit?: number } = {},
): number[] {
  const test = compileFilter(index, filters);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const out: number[] = [];
  for (let node = 0; node < index.graph.nodeCount && out.length < limit; node++)
    if (test(node)) out.push(node);
  return out;
}

/** A filter expression that could not be parsed: says which word, where, and what was expected. */
export class FilterSyntaxError extends Error {
  override readonly name = "FilterSyntaxError";
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly expected: string,
  ) {
    super(`filter "${expression}": at character ${position + 1}: expected ${expected}`);
  }
}

const KEYS =
  "constructor=, kind=, string~/re/, closure=, script~, number=, size>, retained>, id=a..b";

/**
 * Parses the shell's filter words, all ANDed:
 *
 *     constructor=Foo  kind=closure  string~/^temp-/i  string="exact text"  closure=onData
 *     script~app.mjs  number=7  size>1000  retained>=1MiB  size=64..128  id=1000..2000
 *     constructor!=Object  kind!=string
 *
 * Sizes take B, K/KiB, M/MiB, G/GiB suffixes. Values may be double-quoted.
 */
export function parseFilters(expression: string): Filter[] {
  const filters: Filter[] = [];
  const word = /\s*([a-zA-Z]+)\s*(!=|>=|<=|=|~|>|<)\s*("(?:[^"\\]|\\.)*"|\S+)/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    word.lastIndex = at;
    const match = word.exec(expression);
    if (!match) {
      const bare = /\s*[a-zA-Z]+\s*(?:!=|>=|<=|=|~|>|<)\s*$/y;
      bare.lastIndex = at;
      if (bare.test(expression))
        throw new FilterSyntaxError(expression, expression.length, "a value after the operator");
    }
    if (!match)
      throw new FilterSyntaxError(
        expression,
        skipSpace(expression, at),
        `a filter such as ${KEYS}`,
      );
    const [, key, op, raw] = match as unknown as [string, string, string, string];
    const valueAt = match.index + match[0].length - raw.length;
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    filters.push(parseOne(expression, skipSpace(expression, at), key, op, value, valueAt));
    at = word.lastIndex;
  }
  return filters;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at]!)) at++;
  return at;
}

function parseOne(
  expression: string,
  keyAt: number,
  key: string,
  op: string,
  value: string,
  valueAt: number,
): Filter {
  const fail = (expected: string, position = valueAt): never => {
    throw new FilterSyntaxError(expression, position, expected);
  };
  const negatable = (filter: Filter): Filter => {
    if (op === "!=") return { by: "not", filter };
    if (op !== "=") fail(`= or != after "${key}"`, valueAt - op.length);
    return filter;
  };
  switch (key) {
    case "constructor":
    case "ctor":
      return negatable({ by: "constructor", name: value });
    case "kind":
      return negatable({ by: "kind", kind: value });
    case "closure":
      return negatable({ by: "closure", name: value });
    case "script":
      if (op !== "~" && op !== "=") fail(`~ or = after "script"`, valueAt - op.length);
      return { by: "closure", script: value };
    case "string": {
      if (op === "=") return { by: "string", pattern: `^${escapeRegExp(value)}$` };
      if (op !== "~") fail(`= or ~ after "string"`, valueAt - op.length);
      const slashed = /^\/(.*)\/([a-z]*)$/s.exec(value);
      const [pattern, flags] = slashed ? [slashed[1]!, slashed[2]!] : [value, ""];
      try {
        new RegExp(pattern, flags);
      } catch {
        fail("a valid regular expression");
      }
      return flags ? { by: "string", pattern, flags } : { by: "string", pattern };
    }
    case "number": {
      const number = Number(value);
      if (value === "" || Number.isNaN(number)) fail("a number");
      return negatable({ by: "number", value: number });
    }
    case "size":
    case "self":
      return { by: "selfSize", range: parseRange(op, value, true, fail) };
    case "retained":
      return { by: "retainedSize", range: parseRange(op, value, true, fail) };
    case "id":
      return { by: "id", range: parseRange(op, value, false, fail) };
    default:
      return fail(`a filter name (${KEYS})`, keyAt);
  }
}

function parseRange(
  op: string,
  value: string,
  bytes: boolean,
  fail: (expected: string) => never,
): Range {
  const parse = (text: string) => {
    const number = bytes ? parseBytes(text) : Number(text);
    if (text === "" || number === null || Number.isNaN(number))
      fail(bytes ? "a size such as 1000, 64K or 1.5MiB" : "a number");
    return number as number;
  };
  const dots = value.indexOf("..");
  if (dots >= 0) {
    if (op !== "=") fail("= before a range a..b");
    const range: Range = {};
    if (dots > 0) range.min = parse(value.slice(0, dots));
    if (dots + 2 < value.length) range.max = parse(value.slice(dots + 2));
    return range;
  }
  const n = parse(value);
  switch (op) {
    case ">":
      return { min: n + 1 }; // sizes and ids are whole numbers
    case ">=":
      return { min: n };
    case "<":
      return { max: n - 1 };
    case "<=":
      return { max: n };
    case "=":
      return { min: n, max: n };
    default:
      return fail("one of > >= < <= = after a size or id");
  }
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1024 ** 3,
};

function parseBytes(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text);
  if (!match) return null;
  const unit = UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? null : Math.round(Number(match[1]) * unit);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

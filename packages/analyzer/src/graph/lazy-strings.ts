import type { HeapGraph } from "./heap-graph.js";

// A string table kept as its blocks' texts and each string's length, and sliced into strings only
// when read: all at once (`all`), or one at a time for queries that read a few (`points`). Searches
// for a string (`indexOf`) or a part of one (`containing`) run over the texts and slice nothing.
// Making 1.8M strings takes 0.3 s at 20M nodes (most of it the garbage collector moving them out of
// the young generation), and indexing reads a handful of them.

export interface LazyStrings {
  /** Number of strings. */
  readonly length: number;
  /** Every string, made on the first call. */
  all(): string[];
  /** Whether `all` has run. */
  readonly materialized: boolean;
  /** The strings for reading a few: each is sliced when read (or taken from `all`'s, once made). */
  points(): readonly string[];
  /** The index of the first string equal to `text`, or -1. */
  indexOf(text: string): number;
  /** The indexes of the strings that contain `part`, in order. */
  containing(part: string): number[];
}

/** Where a lazy table's strings come from. */
export interface StringTexts {
  /** Per string, the length of its text in UTF-16 code units. */
  lengths: Uint32Array;
  /** Block b holds strings firstOf[b] .. firstOf[b + 1] - 1; firstOf ends with lengths.length. */
  firstOf: Uint32Array;
  /** Block b's strings' texts, concatenated; `alone` when read for a point query. */
  text(block: number, alone: boolean): string;
  /** Strings whose value is not their text (a dump's redacted or cut strings). */
  overrides?: ReadonlyMap<number, string>;
  /** Number of strings, when more than `lengths` lists: the rest are empty. */
  count?: number;
}

export function lazyStrings(texts: StringTexts): LazyStrings {
  const { lengths, firstOf, text } = texts;
  const overrides = texts.overrides ?? new Map<number, string>();
  const listed = lengths.length;
  const count = Math.max(listed, texts.count ?? 0);
  const blocks = firstOf.length - 1;
  let all: string[] | undefined;
  let points: readonly string[] | undefined;
  let starts: Uint32Array | undefined;

  /** Where each listed string starts in its block's text. */
  const startOf = (): Uint32Array => {
    if (starts) return starts;
    starts = new Uint32Array(listed);
    for (let b = 0; b < blocks; b++)
      for (let i = firstOf[b]!, at = 0; i < firstOf[b + 1]!; i++) {
        starts[i] = at;
        at += lengths[i]!;
      }
    return starts;
  };
  const blockOf = (i: number): number => {
    let lo = 0;
    let hi = blocks - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (firstOf[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /** The listed string of block b whose text holds offset `at`. */
  const stringAt = (b: number, at: number): number => {
    const start = startOf();
    let lo = firstOf[b]!;
    let hi = firstOf[b + 1]! - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (start[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const one = (i: number): string => {
    if (all) return all[i]!;
    const override = overrides.get(i);
    if (override !== undefined) return override;
    if (i >= listed) return "";
    const start = startOf()[i]!;
    return text(blockOf(i), true).slice(start, start + lengths[i]!);
  };

  const table: LazyStrings = {
    length: count,
    get materialized() {
      return all !== undefined;
    },
    all() {
      if (all) return all;
      const strings = new Array<string>(count);
      for (let b = 0; b < blocks; b++) {
        const whole = text(b, false);
        for (let i = firstOf[b]!, at = 0; i < firstOf[b + 1]!; i++) {
          strings[i] = whole.slice(at, at + lengths[i]!);
          at += lengths[i]!;
        }
      }
      strings.fill("", listed);
      for (const [i, value] of overrides) strings[i] = value;
      all = strings;
      return strings;
    },
    points: () => (points ??= slicing(count, one, table)),
    indexOf(wanted) {
      if (all) return all.indexOf(wanted);
      let found = wanted === "" && count > listed ? listed : -1;
      for (const [i, value] of overrides)
        if (value === wanted && (found < 0 || i < found)) found = i;
      for (let b = 0; b < blocks; b++) {
        if (found >= 0 && found < firstOf[b]!) break;
        if (wanted === "") {
          for (let i = firstOf[b]!; i < firstOf[b + 1]!; i++)
            if (lengths[i] === 0 && !overrides.has(i)) return found >= 0 ? Math.min(found, i) : i;
          continue;
        }
        const whole = text(b, false);
        for (let at = whole.indexOf(wanted); at >= 0; at = whole.indexOf(wanted, at + 1)) {
          const i = stringAt(b, at);
          if (startOf()[i] !== at || lengths[i] !== wanted.length || overrides.has(i)) continue;
          return found >= 0 ? Math.min(found, i) : i;
        }
      }
      return found;
    },
    containing(part) {
      if (all) return indexesContaining(all, part);
      if (part === "") return Array.from({ length: count }, (_, i) => i);
      const found = new Set<number>();
      for (let b = 0; b < blocks; b++) {
        const whole = text(b, false);
        for (let at = whole.indexOf(part); at >= 0; at = whole.indexOf(part, at + 1)) {
          const i = stringAt(b, at);
          // A match across two strings' texts is in neither.
          if (at + part.length <= startOf()[i]! + lengths[i]! && !overrides.has(i)) found.add(i);
        }
      }
      for (const [i, value] of overrides) if (value.includes(part)) found.add(i);
      return [...found].sort((a, b) => a - b);
    },
  };
  return table;
}

/**
 * An array of the strings that makes each when read. `indexOf` searches the texts; anything else
 * (iteration, another search) is asked of every string.
 */
function slicing(count: number, one: (i: number) => string, table: LazyStrings): readonly string[] {
  return new Proxy([], {
    get(_, key) {
      if (typeof key === "string") {
        const i = Number(key);
        // An index, in range or not (`strings[i] ?? ""` reads past the end): no string made.
        if (Number.isInteger(i) && String(i) === key)
          return i >= 0 && i < count ? one(i) : undefined;
        if (key === "length") return count;
        if (key === "indexOf")
          return (wanted: string, from?: number) =>
            from === undefined ? table.indexOf(wanted) : table.all().indexOf(wanted, from);
      }
      const strings = table.all();
      const value: unknown = Reflect.get(strings, key);
      return typeof value === "function" ? value.bind(strings) : value;
    },
  });
}

/** The graph's strings for reading a few (and `indexOf`), without making every one. */
export function pointStrings(graph: HeapGraph): readonly string[] {
  return graph.lazyStrings?.points() ?? graph.strings;
}

/** The indexes of the graph's strings that contain `part`, in order. */
export function stringsContaining(graph: HeapGraph, part: string): number[] {
  return graph.lazyStrings?.containing(part) ?? indexesContaining(graph.strings, part);
}

function indexesContaining(strings: readonly string[], part: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < strings.length; i++) if (strings[i]!.includes(part)) found.push(i);
  return found;
}

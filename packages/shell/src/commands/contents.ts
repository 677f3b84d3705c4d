import type { HeapGraph } from "@heapmat/analyzer";
import { resolveObject } from "../naming/resolve.js";
import type { Session } from "../session/session.js";
import { clip } from "../text/table.js";
import { type Entry, elementsOf, valuesOf } from "../view/contents.js";
import { marker, objectJson, objectLabel, plural } from "../view/label.js";
import { intOption } from "./args.js";
import type { Command, ParsedArgs } from "./command.js";

const pagingOptions = {
  start: { type: "string", arg: "N", help: "begin at the Nth entry (0-based)" },
  count: { type: "string", arg: "N", help: "show at most N entries" },
} as const;

/** `elems ID`: array elements, Map/Set entries. */
export const elems: Command = {
  name: "elems",
  summary: "List an array's elements or a Map's or Set's entries",
  usage: "ID [--start N] [--count N]",
  details: "Long lists are paged: type 'more' (or Enter) for the next page.",
  options: pagingOptions,
  data: true,
  positionals: { min: 1, max: 1, name: "ID" },
  completes: "ids",
  run: ({ session }, args) => listing(session, args, elementsOf, "element"),
};

/** `values ID`: properties and Map entries. */
export const values: Command = {
  name: "values",
  summary: "List an object's properties or a Map's entries",
  usage: "ID [--start N] [--count N]",
  details: "Long lists are paged: type 'more' (or Enter) for the next page.",
  options: pagingOptions,
  data: true,
  positionals: { min: 1, max: 1, name: "ID" },
  completes: "ids",
  run: ({ session }, args) => listing(session, args, valuesOf, "value"),
};

function listing(
  session: Session,
  { values: options, positionals: [name] }: ParsedArgs,
  entriesOf: (graph: HeapGraph, node: number) => Entry[],
  what: string,
) {
  const { graph } = session;
  const node = resolveObject(session, name!);
  const start = intOption(options, "start", 0);
  const count = intOption(options, "count", Number.POSITIVE_INFINITY, 1);
  const all = entriesOf(graph, node);
  const shown = all.slice(start, start + count);
  const listed = shown.filter((e) => e.node >= 0).map((e) => e.node);
  const keyWidth = shown.reduce((width, e) => Math.min(24, Math.max(width, e.key.length)), 0);
  function* lines() {
    if (all.length === 0) {
      yield `${objectLabel(graph, node)} has no ${what}s`;
      return;
    }
    yield `${objectLabel(graph, node)}: ${plural(all.length, what)}`;
    let n = 0;
    for (const entry of shown) {
      const mark =
        entry.node >= 0 ? marker(++n, listed.length) : " ".repeat(String(listed.length).length + 2);
      const value = entry.node >= 0 ? objectLabel(graph, entry.node) : "(a small integer)";
      yield `${mark}${clip(entry.key, 24).padEnd(keyWidth)}  ${value}`;
    }
  }
  return {
    lines: lines(),
    listed,
    json: {
      object: objectJson(graph, node),
      total: all.length,
      start,
      entries: shown.map((e) => ({
        key: e.key,
        ...(e.keyNode !== undefined && { keyObject: objectJson(graph, e.keyNode) }),
        value: e.node >= 0 ? objectJson(graph, e.node) : null,
      })),
    },
  };
}

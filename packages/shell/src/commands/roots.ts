import { globals as globalsOf, type NamedObject, roots as rootsOf } from "@heapmat/analyzer";
import { table } from "../text/table.js";
import { marker } from "../view/label.js";
import type { Command, CommandContext, Output } from "./command.js";

function namedList(list: NamedObject[], columns: number, heading: string): Output {
  const nameWidth = list.reduce((width, o) => Math.min(28, Math.max(width, o.name.length)), 4);
  const room = Math.max(20, columns - nameWidth - String(list.length).length - 6);
  const lines = table(
    [{ header: "" }, { header: heading, max: nameWidth }, { header: "Object", max: room }],
    list.map((o, i) => [marker(i + 1, list.length), o.name, o.description]),
  );
  return { lines, json: list, listed: list.map((o) => o.index) };
}

/** `roots`: what the heap hangs from. */
export const roots: Command = {
  name: "roots",
  summary: "List the roots: global objects and GC root categories",
  usage: "",
  data: true,
  positionals: { max: 0 },
  run: ({ session, columns }: CommandContext) =>
    namedList(rootsOf(session.indexes), columns, "Root"),
};

/** `globals`: the global object's properties (pmat's `symbols`). */
export const globals: Command = {
  name: "globals",
  summary: "List the global object's properties and what they hold",
  usage: "[--user]",
  options: {
    user: { type: "boolean", short: "u", help: "only those Node does not define itself" },
  },
  data: true,
  positionals: { max: 0 },
  run({ session, columns }, { values }) {
    let list = globalsOf(session.indexes);
    if (values.user) list = list.filter((o) => !isBuiltinGlobal(o.name));
    return namedList(list, columns, "Global");
  },
};

/** Globals that every Node process has (as this one does), left out by `globals --user`. */
const BUILTIN_GLOBALS = new Set([...Object.getOwnPropertyNames(globalThis), "__proto__"]);

function isBuiltinGlobal(name: string): boolean {
  // V8 names accessor halves "get x" / "set x", and symbols "<symbol …>".
  return BUILTIN_GLOBALS.has(name.replace(/^[gs]et /, "")) || name.startsWith("<symbol");
}

import { readdirSync } from "node:fs";
import type { HeapGraph } from "@heapmat/analyzer";
import { optionsOf } from "../commands/args.js";
import type { Command } from "../commands/command.js";
import type { Registry } from "../commands/registry.js";
import { edgeNames } from "../naming/edges.js";
import { resolveGlobalPath } from "../naming/globals.js";
import type { Session } from "../session/session.js";

const constructorCache = new WeakMap<HeapGraph, string[]>();

/** Names of the constructors in the heap (objects' class names), sorted, computed once. */
export function constructorNames(graph: HeapGraph): string[] {
  let names = constructorCache.get(graph);
  if (!names) {
    const object = graph.nodeKinds.indexOf("object");
    const seen = new Set<number>();
    for (let i = 0; i < graph.nodeCount; i++) {
      if (graph.nodeKind[i] === object) seen.add(graph.nodeName[i]!);
    }
    names = [...seen]
      .map((s) => graph.strings[s]!)
      .filter((name) => name && !name.startsWith("system /") && !/\s/.test(name))
      .sort();
    constructorCache.set(graph, names);
  }
  return names;
}

/** node:readline's completer: command names, options, constructors, recent ids, $N, global paths. */
export function completer(registry: Registry, session: Session) {
  return (line: string): [string[], string] => {
    const words = line.split(/\s+/);
    const word = words.at(-1) ?? "";
    const candidates = candidatesFor(registry, session, words.slice(0, -1), word);
    const hits = [...new Set(candidates)].filter((c) => c.startsWith(word));
    return [hits, word];
  };
}

function candidatesFor(registry: Registry, session: Session, before: string[], word: string) {
  while (before[0] === "") before = before.slice(1);
  if (before.length === 0) return registry.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const command = registry.find(before[0]!);
  if (!command) return [];
  if (command.completes === "commands" && before.length === 1) {
    return registry.commands.map((c) => c.name);
  }
  if (command.rawArgs) return candidatesFor(registry, session, before.slice(1), word);
  if (word.startsWith("-")) return Object.keys(optionsOf(command)).map((n) => `--${n}`);
  if (before.at(-1) === "--by") return ["kind", "constructor"];
  if (command.completes === "files" || before.at(-1) === "--diff") return files(word);
  if (word.startsWith("$")) return session.listed.slice(0, 100).map((_, i) => `$${i + 1}`);
  if (word.startsWith("global")) return globalPaths(session, word);
  const ids = session.recentIds.map((id) => `@${id}`);
  if (command.completes === "constructors") {
    const eq = word.indexOf("=");
    const names = constructorNames(session.graph);
    if (eq >= 0) return names.map((n) => word.slice(0, eq + 1) + n);
    return [...names, ...ids];
  }
  if (command.completes === "ids") return word === "" || word.startsWith("@") ? ids : [];
  return hasPositionals(command) ? ids : [];
}

/** Snapshot files and folders whose path starts with `word`. */
function files(word: string): string[] {
  const slash = word.lastIndexOf("/");
  const dir = slash >= 0 ? word.slice(0, slash + 1) : "";
  try {
    return readdirSync(dir || ".", { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() || /\.(heapsnapshot|hmat|pmat)(\.gz)?$/.test(entry.name),
      )
      .map((entry) => `${dir}${entry.name}${entry.isDirectory() ? "/" : ""}`);
  } catch {
    return [];
  }
}

function hasPositionals(command: Command): boolean {
  return (command.positionals?.max ?? 1) > 0;
}

/** `global.foo.b` -> the property names of global.foo, as full paths. */
function globalPaths(session: Session, word: string): string[] {
  const dot = word.lastIndexOf(".");
  if (dot < 0) return ["global."];
  const parent = word.slice(0, dot);
  try {
    const node = resolveGlobalPath(session.graph, parent);
    return edgeNames(session.graph, node, ["property"])
      .filter((n) => /^[\w$]+$/.test(n))
      .map((n) => `${parent}.${n}`);
  } catch {
    return [];
  }
}

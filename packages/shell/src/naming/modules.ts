import type { HeapGraph } from "@heapmat/analyzer";
import { UsageError } from "../errors.js";
import { didYouMean } from "../text/suggest.js";
import { edgeNames, edgeTo, nodeKindName, nodeNameOf } from "./edges.js";

// A module-level variable lives in the module function's V8 Context, as a `context` edge named
// after the variable. We find that Context from the closures compiled from the module's script:
// closure -shared-> SharedFunctionInfo -script_or_debug_info-> Script (named by file URL or path),
// closure -context-> Context -previous-> … up to the NativeContext.

const INTERNAL = ["internal"];
const CONTEXT = ["context"];

/** Contexts of closures per script name, found in one pass over the closures. */
export function contextsByScript(graph: HeapGraph): Map<string, Set<number>> {
  const byScript = new Map<string, Set<number>>();
  for (let node = 0; node < graph.nodeCount; node++) {
    if (nodeKindName(graph, node) !== "closure") continue;
    const shared = edgeTo(graph, node, INTERNAL, "shared");
    if (shared < 0) continue;
    let script = edgeTo(graph, shared, INTERNAL, "script_or_debug_info");
    if (script < 0) script = edgeTo(graph, shared, INTERNAL, "script");
    const context = edgeTo(graph, node, INTERNAL, "context");
    if (script < 0 || context < 0) continue;
    const name = nodeNameOf(graph, script);
    if (!name) continue;
    const contexts = byScript.get(name) ?? new Set<number>();
    byScript.set(name, contexts.add(context));
  }
  return byScript;
}

/** Whether a script name (file:///a/b.mjs, /a/b.js, node:fs) is what the user called `file`. */
export function scriptMatches(scriptName: string, file: string): boolean {
  const path = scriptName.replace(/^file:\/\//, "");
  return scriptName === file || path === file || path.endsWith(`/${file.replace(/^\.\//, "")}`);
}

/** Resolves `module:<file>#<var>` to the variable's value. */
export function resolveModuleVariable(graph: HeapGraph, name: string): number {
  const m = /^module:(.+)#([^#]+)$/.exec(name);
  if (!m) throw new UsageError(`${name}: expected module:<file>#<variable>`);
  const [, file, variable] = m as unknown as [string, string, string];
  const byScript = contextsByScript(graph);
  const scripts = [...byScript.keys()].filter((s) => scriptMatches(s, file));
  if (scripts.length === 0) {
    const basenames = [...byScript.keys()].map((s) => s.slice(s.lastIndexOf("/") + 1));
    throw new UsageError(`${name}: no module '${file}' in this heap${didYouMean(file, basenames)}`);
  }
  const known: string[] = [];
  for (const script of scripts) {
    for (const context of outermostFirst(graph, byScript.get(script)!)) {
      const value = edgeTo(graph, context, CONTEXT, variable);
      if (value >= 0) return value;
      known.push(...edgeNames(graph, context, CONTEXT));
    }
  }
  throw new UsageError(
    `${name}: no variable '${variable}' kept in ${scripts[0]}${didYouMean(variable, known)}`,
  );
}

/** The contexts and their enclosing ones, the module's own (outermost) first. */
function outermostFirst(graph: HeapGraph, contexts: Set<number>): number[] {
  const depth = new Map<number, number>();
  for (const start of contexts) {
    const chain: number[] = [];
    for (let c = start; c >= 0 && chain.length < 1000; c = edgeTo(graph, c, INTERNAL, "previous")) {
      if (nodeNameOf(graph, c).includes("NativeContext")) break;
      chain.push(c);
    }
    chain.forEach((c, i) => {
      depth.set(c, chain.length - 1 - i);
    });
  }
  return [...depth.keys()].sort((a, b) => depth.get(a)! - depth.get(b)!);
}

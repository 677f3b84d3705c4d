// Node's modules that only some paths need, loaded on first use: what a module loads lives in the
// host's heap, so it would be in every snapshot the host takes, and add to its RSS while it does.
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/** `node:<name>`, required once. */
export function builtin<T>(name: string): T {
  let module = loaded.get(name);
  if (module === undefined) {
    module = load(`node:${name}`);
    loaded.set(name, module);
  }
  return module as T;
}

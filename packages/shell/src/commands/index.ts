import { builtins, type ShellControl } from "./builtins.js";
import { elems, values } from "./contents.js";
import type { Registry } from "./registry.js";
import { size } from "./size.js";
import { summary } from "./summary.js";

/** Every command of the shell. */
export function allCommands(shell: ShellControl, registry: Registry): Registry {
  return registry.add(...builtins({ ...shell, registry }), summary, size, elems, values);
}

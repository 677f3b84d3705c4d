import { builtins, type ShellControl } from "./builtins.js";
import type { Registry } from "./registry.js";
import { summary } from "./summary.js";

/** Every command of the shell. */
export function allCommands(shell: ShellControl, registry: Registry): Registry {
  return registry.add(...builtins({ ...shell, registry }), summary);
}

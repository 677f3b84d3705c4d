import { builtins, type ShellControl } from "./builtins.js";
import { count, largest, modules, strings } from "./census.js";
import { elems, values } from "./contents.js";
import { diff } from "./diff.js";
import { find } from "./find.js";
import { identify } from "./identify.js";
import { allocs, inrefs, outrefs, show } from "./object.js";
import type { Registry } from "./registry.js";
import { globals, roots } from "./roots.js";
import { size } from "./size.js";
import { summary } from "./summary.js";

/** Every command of the shell. */
export function allCommands(shell: ShellControl, registry: Registry): Registry {
  return registry.add(
    ...builtins({ ...shell, registry }),
    summary,
    count,
    largest,
    size,
    identify,
    show,
    outrefs,
    inrefs,
    elems,
    values,
    find,
    roots,
    globals,
    modules,
    strings,
    allocs,
    diff,
  );
}

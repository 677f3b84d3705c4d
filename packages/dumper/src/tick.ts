import { type DumpOptions, type DumpResult, dump } from "./dump.js";
import { settings } from "./settings.js";

let calls = 0;

/**
 * Call once per iteration of a long-running loop: dumps on every Nth call (N = `every`, default
 * from HEAPMAT_DUMPER's `every=<n>` or 1). Returns the dump's promise on those calls.
 */
export function tick(
  options: DumpOptions & { every?: number } = {},
): Promise<DumpResult> | undefined {
  const { every = settings.every, ...rest } = options;
  calls++;
  if (calls % Math.max(1, every) !== 0) return undefined;
  return dump(undefined, { reason: "tick", ...rest });
}

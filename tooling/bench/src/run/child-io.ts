import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

// How a measured child process talks to the harness: options on the command line, one JSON result
// written to the file named by --result (stdout stays free for the tools being measured).

export interface ChildOptions {
  result: string;
  values: Record<string, string | undefined>;
}

export function childOptions(names: readonly string[]): ChildOptions {
  const options = Object.fromEntries(names.map((name) => [name, { type: "string" as const }]));
  const { values } = parseArgs({ options: { ...options, result: { type: "string" } } });
  if (!values.result) throw new Error("missing --result <file>");
  return { result: values.result, values: values as Record<string, string | undefined> };
}

/** Writes the child's result. `unavailable` marks a piece of heapmat that does not exist yet. */
export function writeResult(file: string, result: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify(result));
}

export function required(options: ChildOptions, name: string): string {
  const value = options.values[name];
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

/**
 * Runs a child's work and writes what it returns; an error becomes `{ failed: message }`, so the
 * harness reports what went wrong rather than a stack trace from stderr.
 */
export async function guarded(
  options: ChildOptions,
  work: () => Promise<Record<string, unknown>>,
): Promise<void> {
  try {
    writeResult(options.result, await work());
  } catch (error) {
    writeResult(options.result, { failed: error instanceof Error ? error.message : String(error) });
  }
}

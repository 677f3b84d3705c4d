import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { didYouMean } from "../text/suggest.js";
import type { Command, OptionSpec, ParsedArgs } from "./command.js";

/** Options every command takes. */
export const commonOptions: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", help: "show this help" },
};
export const jsonOption: OptionSpec = { type: "boolean", help: "print machine-readable JSON" };

export function optionsOf(command: Command): Record<string, OptionSpec> {
  return {
    ...command.options,
    ...(command.data && { json: jsonOption }),
    ...commonOptions,
  };
}

/** Parses a command's words with node:util parseArgs, turning its errors into one clear line. */
export function parseCommandArgs(command: Command, words: string[]): ParsedArgs {
  if (command.rawArgs) return { values: {}, positionals: words };
  const options = optionsOf(command);
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short && { short: o.short }), ...(o.multiple && { multiple: true }) },
    ]),
  );
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: words, options: config, allowPositionals: true, strict: true });
  } catch (error) {
    throw optionError(command, options, error);
  }
  if (parsed.values.help) return parsed;
  const { min = 0, max = Number.POSITIVE_INFINITY } = command.positionals ?? {};
  const n = parsed.positionals.length;
  if (n < min) {
    throw new UsageError(
      `${command.name}: missing ${command.positionals?.name ?? "argument"} (usage: ${command.name} ${command.usage})`,
    );
  }
  if (n > max) {
    throw new UsageError(
      `${command.name}: unexpected argument '${parsed.positionals[max]}' (usage: ${command.name} ${command.usage})`,
    );
  }
  return parsed;
}

function optionError(command: Command, options: Record<string, OptionSpec>, error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
  if (unknown) {
    const names = Object.keys(options).map((n) => `--${n}`);
    return new UsageError(
      `${command.name}: unknown option '${unknown}'${didYouMean(unknown, names)}`,
    );
  }
  const missing = /Option '([^']+)' argument missing/.exec(message)?.[1];
  if (missing) return new UsageError(`${command.name}: option '${missing}' needs a value`);
  return new UsageError(`${command.name}: ${message.split("\n")[0]}`);
}

/** A whole number from an option, or a usage error saying which option wanted one. */
export function intOption(
  values: ParsedArgs["values"],
  name: string,
  fallback: number,
  min = 0,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} wants a whole number >= ${min}, not '${raw}'`);
  }
  return n;
}

export function intArgument(raw: string | undefined, what: string, fallback: number, min = 1) {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${what} must be a whole number >= ${min}, not '${raw}'`);
  }
  return n;
}

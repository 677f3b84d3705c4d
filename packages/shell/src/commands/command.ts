import type { Session } from "../session/session.js";
import type { Style } from "../text/style.js";

/** One option of a command, as node:util parseArgs takes it, plus its help. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help for a string option, e.g. "N". */
  arg?: string;
  help: string;
}

/** What a command prints. Text may be lazy (a generator) so that long listings page cheaply. */
export interface Output {
  lines?: Iterable<string>;
  /** The same data for `--json`. */
  json?: unknown;
  /** Node indexes the output lists, in order: `$1`, `$2` … in the next command. */
  listed?: readonly number[];
}

/** What a running command can use. */
export interface CommandContext {
  readonly session: Session;
  /** Colours for stdout. */
  readonly style: Style;
  /** Terminal width (80 when not a terminal). */
  readonly columns: number;
  /** True when `--json` was given: commands may skip building text. */
  readonly json: boolean;
  /** Yields to the event loop; throws Cancelled after Ctrl-C. Call it in long loops. */
  pause(): Promise<void>;
  /** Runs another command, given as words (used by `time`). */
  run(words: string[]): Promise<void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line, for `help`. */
  summary: string;
  /** Arguments after the name, e.g. "ID [--depth N]". */
  usage: string;
  /** More paragraphs for `help <cmd>`. */
  details?: string;
  options?: Record<string, OptionSpec>;
  /** Whether the command prints data (and so takes --json). */
  data?: boolean;
  /** Allowed number of positional arguments. */
  positionals?: { min?: number; max?: number; name?: string };
  /** Takes its words unparsed (`time` passes them on to another command). */
  rawArgs?: boolean;
  /** Kinds of words to offer in tab completion for its positional arguments. */
  completes?: "ids" | "commands" | "constructors" | "files";
  run(ctx: CommandContext, args: ParsedArgs): Promise<Output> | Output;
}

import type { Writable } from "node:stream";
import { parseCommandArgs } from "./commands/args.js";
import type { CommandContext, Output } from "./commands/command.js";
import type { Registry } from "./commands/registry.js";
import { Cancelled, ExitCode } from "./errors.js";
import { Pager } from "./pager.js";
import type { Session } from "./session/session.js";
import type { Style } from "./text/style.js";
import { tokenize } from "./text/tokenize.js";

export interface ShellOptions {
  out: Writable;
  err: Writable;
  style: Style;
  errStyle: Style;
  /** Lines per page of output; Infinity for scripts and one-shot. */
  pageSize: number;
  columns: number;
  /** Print stack traces of internal errors. */
  debug?: boolean;
  /** Forces --json on every data command (one-shot `heapmat FILE CMD --json`). */
  json?: boolean;
}

/** Exit code of an internal error (a bug, not the user's input), as sysexits' EX_SOFTWARE. */
const INTERNAL_ERROR = 70;

/** Runs command lines against one session, whatever the mode that reads them. */
export class Shell {
  readonly pager: Pager;
  quitting = false;

  constructor(
    readonly session: Session,
    readonly registry: Registry,
    readonly options: ShellOptions,
  ) {
    this.pager = new Pager(options.out, options.pageSize);
  }

  /** Runs one line (or argv words); returns its exit code. Errors are printed as one line, never thrown. */
  async execute(line: string | string[], signal?: AbortSignal): Promise<number> {
    try {
      await this.runWords(typeof line === "string" ? tokenize(line) : line, signal);
      return ExitCode.ok;
    } catch (error) {
      return this.report(error);
    }
  }

  /** Runs one command given as words, throwing its errors. */
  async runWords([name, ...words]: string[], signal?: AbortSignal): Promise<void> {
    if (name === undefined || name.startsWith("#")) return;
    const command = this.registry.get(name);
    const args = parseCommandArgs(command, words);
    if (args.values.help) return this.runWords(["help", command.name], signal);
    const json = command.data === true && (args.values.json === true || this.options.json === true);
    const ctx = this.context(signal, json);
    const output: Output = await command.run(ctx, args);
    if (output.listed) {
      this.session.listed = output.listed;
      this.session.remember(output.listed);
    }
    if (json) {
      this.options.out.write(`${JSON.stringify(output.json ?? null, null, 2)}\n`);
    } else if (output.lines) {
      await this.pager.show(output.lines, ctx.pause);
    }
  }

  private context(signal: AbortSignal | undefined, json: boolean): CommandContext {
    return {
      session: this.session,
      style: this.options.style,
      columns: this.options.columns,
      json,
      pause: pause(signal),
      run: (words) => this.runWords(words, signal),
    };
  }

  /** Prints an error as one line on stderr and gives its exit code. */
  report(error: unknown): number {
    const { err, errStyle } = this.options;
    if (error instanceof Cancelled) {
      err.write(`${errStyle("yellow", "cancelled")}\n`);
      return ExitCode.ok;
    }
    const code = (error as { exitCode?: number }).exitCode;
    if (typeof code === "number") {
      err.write(`${errStyle("red", "error:")} ${(error as Error).message}\n`);
      return code;
    }
    const message = error instanceof Error ? error.message : String(error);
    err.write(`${errStyle("red", "internal error:")} ${message}\n`);
    if (this.options.debug && error instanceof Error && error.stack) err.write(`${error.stack}\n`);
    return INTERNAL_ERROR;
  }
}

/** A pause point for long work: lets Ctrl-C in, then stops the work if it was pressed. */
function pause(signal: AbortSignal | undefined): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) =>
      setImmediate(() => (signal?.aborted ? reject(new Cancelled()) : resolve())),
    );
}

// The shell's errors. Each is one line for the user; the exit code follows the CLI conventions.

/** Exit codes shared by heapmat's CLIs. */
export const ExitCode = { ok: 0, found: 1, usage: 2, unreadable: 3 } as const;

/** A mistake in what the user typed: unknown command, option, id or filter. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode: number = ExitCode.usage;
}

/** A file that cannot be read as a snapshot. Exit code 3. */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly exitCode: number = ExitCode.unreadable;
}

/** Thrown at a pause point when the user pressed Ctrl-C. */
export class Cancelled extends Error {
  override readonly name = "Cancelled";
  constructor() {
    super("cancelled");
  }
}

import { parseArgs } from "node:util";
import { allCommands } from "./commands/index.js";
import { Registry } from "./commands/registry.js";
import { ExitCode } from "./errors.js";
import { History, historyFile } from "./modes/history.js";
import { interactive } from "./modes/interactive.js";
import { script } from "./modes/script.js";
import { Session } from "./session/session.js";
import { Shell } from "./shell.js";
import { makeStyle } from "./text/style.js";

const USAGE = `usage: heapmat [OPTIONS] FILE [COMMAND [ARGS...]]

Opens a heap snapshot (.heapsnapshot, .hmat or Perl's .pmat) and gives a prompt; with a COMMAND,
runs it and exits; with commands piped on stdin, runs them as a script. Type 'help' at the prompt.

OPTIONS:
  --json        machine-readable output for data commands
  --salvage     read what is complete of a truncated dump (a process killed mid-dump)
  --no-color    no colours (NO_COLOR is honoured too)
  --debug       show stack traces of internal errors
  -h, --help    this help
  --version     the version`;

const globalOptions = {
  json: { type: "boolean" },
  salvage: { type: "boolean" },
  "no-color": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** The `heapmat` binary: returns the process exit code. */
export async function main(argv: string[], version: string): Promise<number> {
  // Options before FILE are the shell's; everything after COMMAND belongs to the command.
  const first = argv.findIndex((a) => !a.startsWith("-"));
  const ours = first < 0 ? argv : argv.slice(0, first);
  const [file, ...rest] = first < 0 ? [] : argv.slice(first);
  // --debug and --no-color also work at the end of a one-shot command line.
  const late = new Set<string>(rest.filter((w) => w === "--debug" || w === "--no-color"));
  const commandWords = rest.filter((w) => !late.has(w));
  const err = makeStyle(process.stderr);
  let values: { [K in keyof typeof globalOptions]?: boolean };
  try {
    ({ values } = parseArgs({ args: [...ours, ...late], options: globalOptions, strict: true }));
  } catch (error) {
    process.stderr.write(`${err("red", "error:")} ${(error as Error).message.split("\n")[0]}\n`);
    process.stderr.write(`${USAGE}\n`);
    return ExitCode.usage;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.ok;
  }
  if (values.version) {
    process.stdout.write(`heapmat ${version}\n`);
    return ExitCode.ok;
  }
  if (file === undefined) {
    process.stderr.write(`${err("red", "error:")} which snapshot file?\n${USAGE}\n`);
    return ExitCode.usage;
  }

  const out = makeStyle(process.stdout, values["no-color"]);
  const errStyle = makeStyle(process.stderr, values["no-color"]);
  const oneShot = commandWords.length > 0;
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  let session: Session;
  try {
    session = await Session.open(file, process.stderr.isTTY === true, values.salvage === true);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode ?? ExitCode.unreadable;
    process.stderr.write(`${errStyle("red", "error:")} ${(error as Error).message}\n`);
    if (values.debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return code;
  }

  const registry = new Registry();
  const shell: Shell = new Shell(session, registry, {
    out: process.stdout,
    err: process.stderr,
    style: out,
    errStyle,
    pageSize: !oneShot && tty ? Math.max(10, (process.stdout.rows || 24) - 2) : Infinity,
    columns: process.stdout.isTTY ? process.stdout.columns || 80 : 80,
    debug: values.debug === true,
    json: values.json === true,
  });
  allCommands(
    {
      registry,
      pager: shell.pager,
      err: process.stderr,
      quit: () => {
        shell.quitting = true;
      },
    },
    registry,
  );

  let code: number;
  if (oneShot) code = await shell.execute(commandWords);
  else if (!tty) code = await script(shell, process.stdin);
  else {
    code = await shell.execute("summary");
    if (code === 0) code = await interactive(shell, new History(historyFile()));
  }
  // Indexes computed in this session go to the sidecar cache on the way out: the next start on
  // the same file skips computing them.
  await session.saveIndexes();
  return code;
}

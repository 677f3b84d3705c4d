import { UsageError } from "../errors.js";
import { NAMING_HELP } from "../naming/resolve.js";
import type { Pager } from "../pager.js";
import { optionsOf } from "./args.js";
import type { Command } from "./command.js";
import type { Registry } from "./registry.js";

/** What the built-ins need of the shell around them. */
export interface ShellControl {
  registry: Registry;
  pager: Pager;
  err: { write(text: string): unknown };
  quit(): void;
}

export function builtins(shell: ShellControl): Command[] {
  return [help(shell), more(shell), time(shell), quit(shell)];
}

function help(shell: ShellControl): Command {
  return {
    name: "help",
    aliases: ["?"],
    summary: "List the commands, or explain one",
    usage: "[COMMAND]",
    positionals: { max: 1, name: "command" },
    completes: "commands",
    run(_ctx, { positionals: [name] }) {
      const { registry } = shell;
      if (name === undefined) {
        const width = Math.max(...registry.names().map((n) => n.length));
        return {
          lines: [
            ...registry.commands.map((c) => `${c.name.padEnd(width)} - ${c.summary}`),
            "",
            "Type 'help COMMAND' for its options. Objects are named by:",
            ...NAMING_HELP.map((l) => `  ${l}`),
          ],
        };
      }
      return { lines: commandHelp(registry.get(name)) };
    },
  };
}

/** `help CMD`: summary, synopsis and options, in pmat's layout. */
export function commandHelp(command: Command): string[] {
  const lines = [`${command.name} - ${command.summary}`, "", "SYNOPSIS:"];
  lines.push(`  ${command.name} ${command.usage}`.trimEnd());
  if (command.aliases?.length) lines.push(`  (also: ${command.aliases.join(", ")})`);
  if (command.details) lines.push("", ...command.details.split("\n"));
  const options = Object.entries(optionsOf(command));
  const flags = options.map(([name, o]) => {
    const short = o.short ? `, -${o.short}` : "";
    const arg = o.type === "string" ? ` ${o.arg ?? "VALUE"}` : "";
    return `--${name}${short}${arg}`;
  });
  const width = Math.max(...flags.map((f) => f.length));
  lines.push("", "OPTIONS:");
  options.forEach(([, o], i) => {
    lines.push(`  ${flags[i]!.padEnd(width)}  ${o.help}`);
  });
  if (/\bID\b/.test(command.usage)) {
    lines.push("", "ID names an object:", ...NAMING_HELP.map((l) => `  ${l}`));
  }
  return lines;
}

function more(shell: ShellControl): Command {
  return {
    name: "more",
    summary: "Continue the previous listing",
    usage: "",
    positionals: { max: 0 },
    async run(ctx) {
      if (!(await shell.pager.more(ctx.pause))) {
        throw new UsageError("more: nothing more to show");
      }
      return {};
    },
  };
}

function time(shell: ShellControl): Command {
  return {
    name: "time",
    summary: "Run a command and say how long it took",
    usage: "COMMAND [ARGS...]",
    positionals: { min: 1, name: "command" },
    rawArgs: true,
    completes: "commands",
    async run(ctx, { positionals }) {
      if (positionals.length === 0) throw new UsageError("time: which command? (time COMMAND ...)");
      const started = performance.now();
      await ctx.run(positionals);
      const seconds = (performance.now() - started) / 1000;
      shell.err.write(`Ran in ${seconds.toFixed(3)} s\n`);
      return {};
    },
  };
}

function quit(shell: ShellControl): Command {
  return {
    name: "quit",
    aliases: ["exit", "q"],
    summary: "Leave the shell",
    usage: "",
    positionals: { max: 0 },
    run() {
      shell.quit();
      return {};
    },
  };
}

import { UsageError } from "../errors.js";
import { didYouMean } from "../text/suggest.js";
import type { Command } from "./command.js";

/** The commands the shell knows, by name and alias. */
export class Registry {
  private readonly byName = new Map<string, Command>();
  readonly commands: Command[] = [];

  add(...commands: Command[]): this {
    for (const command of commands) {
      this.commands.push(command);
      for (const name of [command.name, ...(command.aliases ?? [])]) this.byName.set(name, command);
    }
    this.commands.sort((a, b) => a.name.localeCompare(b.name));
    return this;
  }

  find(name: string): Command | undefined {
    return this.byName.get(name);
  }

  get(name: string): Command {
    const command = this.byName.get(name);
    if (!command) {
      throw new UsageError(
        `unknown command '${name}'${didYouMean(name, this.names())} (type 'help' for a list)`,
      );
    }
    return command;
  }

  names(): string[] {
    return this.commands.map((c) => c.name);
  }
}

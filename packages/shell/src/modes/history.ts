import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

const KEEP = 1000;

/** Where history lives: $XDG_STATE_HOME/heapmat/history, else ~/.local/state/heapmat/history. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(state, "heapmat", "history");
}

/** Command history kept across sessions, one line per command, oldest first in the file. */
export class History {
  #broken = false;

  constructor(readonly file: string) {}

  /** The last lines, most recent first (as node:readline wants them). */
  load(): string[] {
    try {
      const lines = readFileSync(this.file, "utf8").split("\n").filter(Boolean);
      return lines.slice(-KEEP).reverse();
    } catch {
      return [];
    }
  }

  append(line: string): void {
    if (this.#broken) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${line.replace(/\n/g, " ")}\n`);
    } catch {
      // An unwritable history must not spoil the session: stop trying.
      this.#broken = true;
    }
  }
}

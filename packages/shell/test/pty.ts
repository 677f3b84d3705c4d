import { type ChildProcess, spawn } from "node:child_process";
import { CLI } from "./run.js";

/**
 * An interactive `heapmat` on a real pseudo-terminal, via util-linux `script` (no native modules):
 * keys go to the terminal, the screen comes back, and `expect` waits for text to appear.
 */
export class Terminal {
  private readonly child: ChildProcess;
  private screen = "";
  /** Where the next `expect` starts looking. */
  private mark = 0;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    const command = [process.execPath, CLI, ...args].map(shellQuote).join(" ");
    this.child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { ...process.env, NO_COLOR: "1", TERM: "xterm", ...env },
    });
    this.child.stdout!.on("data", (data: Buffer) => {
      this.screen += data.toString("utf8");
    });
    this.exited = new Promise((resolve) => this.child.on("close", resolve));
  }

  /** Types text: "\t" is Tab, "\r" Enter, "\x03" Ctrl-C, "\x1b[A" the up arrow. */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Waits until `pattern` shows up after the previous match; returns the text up to it. */
  async expect(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = plain(this.screen.slice(this.mark));
      const at =
        typeof pattern === "string"
          ? { index: text.indexOf(pattern), length: pattern.length }
          : matchAt(pattern, text);
      if (at.index >= 0) {
        // Advance past the match in the raw screen by searching the same text there.
        this.mark += rawOffset(this.screen.slice(this.mark), at.index + at.length);
        return text.slice(0, at.index + at.length);
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${pattern}; screen so far:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Everything shown so far, without terminal escapes. */
  get text(): string {
    return plain(this.screen);
  }

  kill(): void {
    this.child.kill();
  }
}

function matchAt(pattern: RegExp, text: string) {
  const m = pattern.exec(text);
  return m ? { index: m.index, length: m[0].length } : { index: -1, length: 0 };
}

const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]|\r/g;

/** The screen's text without cursor moves, colours and carriage returns. */
function plain(raw: string): string {
  return raw.replace(ESCAPES, "");
}

/** Offset in `raw` after which `plainLength` characters of plain text have passed. */
function rawOffset(raw: string, plainLength: number): number {
  let seen = 0;
  let i = 0;
  const sequence = new RegExp(ESCAPES.source, "y");
  while (i < raw.length && seen < plainLength) {
    sequence.lastIndex = i;
    const m = sequence.exec(raw);
    if (m) i += m[0].length;
    else {
      i++;
      seen++;
    }
  }
  return i;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

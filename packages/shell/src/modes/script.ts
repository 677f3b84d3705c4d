import { createInterface } from "node:readline";
import type { Shell } from "../shell.js";

/**
 * Commands from stdin, one per line (blank lines and # comments skipped). An error does not stop
 * the script; the exit code is the highest any command gave.
 */
export async function script(shell: Shell, input: NodeJS.ReadableStream): Promise<number> {
  const rl = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  let worst = 0;
  for await (const line of rl) {
    worst = Math.max(worst, await shell.execute(line));
    if (shell.quitting) break;
  }
  rl.close();
  return worst;
}

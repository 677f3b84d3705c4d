import { createInterface } from "node:readline";
import type { Shell } from "../shell.js";
import { completer } from "./complete.js";
import type { History } from "./history.js";

const PROMPT = "heapmat> ";
const MORE_PROMPT = "heapmat [more]> ";

/**
 * The prompt on a terminal: completion, history, a pager (`more`, or just Enter), and Ctrl-C that
 * cancels the running command — or the pending listing, or the line being typed — but never quits.
 */
export async function interactive(shell: Shell, history: History): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    prompt: PROMPT,
    completer: completer(shell.registry, shell.session),
    history: history.load(),
    historySize: 1000,
    removeHistoryDuplicates: true,
  });
  let running: AbortController | undefined;

  rl.on("SIGINT", () => {
    if (running) {
      running.abort();
      return;
    }
    // Not running anything: drop the typed line and any pending listing, as shells do.
    const typed = rl.line.length > 0;
    (rl as unknown as { line: string }).line = "";
    process.stdout.write(typed ? "^C\n" : "\n(To leave, type 'quit' or press Ctrl-D)\n");
    if (shell.pager.pending) void shell.pager.show([], async () => {});
    rl.setPrompt(PROMPT);
    rl.prompt();
  });

  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    running = new AbortController();
    if (line === "" && shell.pager.pending) await shell.execute("more", running.signal);
    else if (line !== "") {
      history.append(line);
      await shell.execute(line, running.signal);
    }
    running = undefined;
    if (shell.quitting) break;
    rl.setPrompt(shell.pager.pending ? MORE_PROMPT : PROMPT);
    rl.prompt();
  }
  rl.close();
  return 0;
}

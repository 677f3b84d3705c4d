import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { Terminal } from "./pty.js";

const { first } = inject("snapshots");

/** A fresh state folder (history) per session, removed at the end. */
const states: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-state-"));
  states.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of states) rmSync(dir, { recursive: true, force: true });
});

/** Terminals of the current test, killed after it even when it failed half-way. */
const terminals: Terminal[] = [];
function terminal(env: NodeJS.ProcessEnv): Terminal {
  const term = new Terminal([first], env);
  terminals.push(term);
  return term;
}
afterEach(() => {
  for (const term of terminals.splice(0)) term.kill();
});

describe("heapmat FILE on a terminal", () => {
  it("completes, keeps history across sessions, and survives Ctrl-C at the prompt", async () => {
    const state = stateDir();
    const env = { XDG_STATE_HOME: state };

    const one = terminal(env);
    await one.expect(/Heap contains [\d,]+ objects/);
    await one.expect("heapmat> ");
    // Tab completes a command name.
    one.type("summ\t");
    await one.expect("summary");
    one.type("\r");
    await one.expect(/Heap contains/);
    await one.expect("heapmat> ");
    // Ctrl-C on an empty prompt explains how to leave, and the shell stays.
    one.type("\x03");
    await one.expect("(To leave, type 'quit' or press Ctrl-D)");
    one.type("nosuch\r");
    await one.expect("unknown command 'nosuch'");
    one.type("quit\r");
    expect(await one.exited).toBe(0);

    const history = readFileSync(join(state, "heapmat", "history"), "utf8");
    expect(history).toBe("summary\nnosuch\nquit\n");

    // A new session recalls the previous one's commands with the up arrow.
    const two = terminal(env);
    await two.expect("heapmat> ");
    two.type("\x1b[A\x1b[A");
    await two.expect("nosuch");
    two.type("\x15quit\r");
    expect(await two.exited).toBe(0);
  });

  it("Ctrl-C cancels a long find, and the shell carries on", async () => {
    const term = terminal({ XDG_STATE_HOME: stateDir() });
    await term.expect("heapmat> ");
    // A backtracking regex over 60 strings: tens of seconds of work if nothing stops it.
    term.type("find 'string~/^(a+)+$/' -C\r");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    term.type("\x03");
    const screen = await term.expect("cancelled");
    expect(screen).not.toContain("Total:");
    await term.expect("heapmat> ");
    term.type("find constructor=SessionRecord -C\r");
    await term.expect("Total: 104 objects");
    term.type("quit\r");
    expect(await term.exited).toBe(0);
  });

  it("pages long listings and completes constructors and global paths", async () => {
    const term = terminal({ XDG_STATE_HOME: stateDir() });
    await term.expect("heapmat> ");
    term.type("find constructor=SessionR\t");
    await term.expect("constructor=SessionRecord");
    term.type("\r");
    // A 24-row terminal: 22 lines, then a prompt that says there is more.
    const page = await term.expect("heapmat [more]> ");
    expect(page).toMatch(/^\$22 +SessionRecord/m);
    expect(page).not.toMatch(/^\$23 /m);
    term.type("\r");
    await term.expect(/\$44 +SessionRecord/);
    term.type("more\r");
    await term.expect(/\$66 +SessionRecord/);
    // Ctrl-C drops the rest of the listing.
    term.type("\x03");
    await term.expect("heapmat> ");
    term.type("more\r");
    await term.expect("more: nothing more to show");
    term.type("values global.appC\t");
    await term.expect("global.appCache");
    term.type("\r");
    const listing = await term.expect(/list +Array @(\d+)/);
    const listId = /list +Array @(\d+)/.exec(listing)![1];
    // Recent ids complete after @: at once when unique, else a second Tab lists them.
    // (readline completes only on a Tab that ends a chunk of input: type the second one apart.)
    term.type(`show @${listId!.slice(0, -1)}\t`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    term.type("\t");
    await term.expect(`@${listId}`);
    term.type("\x15show $2\r");
    await term.expect(/^ {2}kind {8}object$/m);
    term.type("quit\r");
    expect(await term.exited).toBe(0);
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { Terminal } from "./pty.js";

const { first } = inject("snapshots");

describe("heapmat FILE on a terminal", () => {
  it("completes, keeps history across sessions, and survives Ctrl-C at the prompt", async () => {
    const state = mkdtempSync(join(tmpdir(), "heapmat-state-"));
    const env = { XDG_STATE_HOME: state };

    const one = new Terminal([first], env);
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
    const two = new Terminal([first], env);
    await two.expect("heapmat> ");
    two.type("\x1b[A\x1b[A");
    await two.expect("nosuch");
    two.type("\x15quit\r");
    expect(await two.exited).toBe(0);
  });
});

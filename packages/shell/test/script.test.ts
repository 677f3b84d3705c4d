import { describe, expect, inject, it } from "vitest";
import { heapmat } from "./run.js";

const { first } = inject("snapshots");

describe("heapmat FILE < script", () => {
  it("runs each line, keeps going after errors, and exits with the worst code", () => {
    const run = heapmat(
      [first],
      "# a comment\n\nsummary\nidenitfy 1\nsummary --json\nquit\nsummary\n",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'idenitfy'");
    // Two summaries (text, then JSON), and nothing after quit.
    expect(run.stdout.match(/^Heap contains/gm)).toHaveLength(1);
    const json = run.stdout.slice(run.stdout.indexOf("{"));
    expect(JSON.parse(json).format).toBe("heapsnapshot");
  });

  it("exits 0 when every command succeeded", () => {
    const run = heapmat([first], "summary\ntime summary\n");
    expect(run.stderr).toMatch(/^Ran in \d+\.\d{3} s$/m);
    expect(run.code).toBe(0);
  });
});

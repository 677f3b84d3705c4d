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
    expect(run.stderr).toContain("unknown command 'idenitfy' (did you mean 'identify'?)");
    // Two summaries (text, then JSON), and nothing after quit.
    expect(run.stdout.match(/^Heap contains/gm)).toHaveLength(1);
    const json = run.stdout.slice(run.stdout.indexOf("{"));
    expect(JSON.parse(json).format).toBe("heapsnapshot");
  });

  it("names objects by $N from the previous listing, and times commands", () => {
    const run = heapmat(
      [first],
      "find constructor=SessionRecord --limit 2\nsize $2\nidentify $1 --depth 1\ntime count --top 1\n",
    );
    expect(run.stderr).toMatch(/^Ran in \d+\.\d{3} s$/m);
    expect(run.code).toBe(0);
    const second = /^\$2 SessionRecord (@\d+)/m.exec(run.stdout)?.[1];
    expect(run.stdout).toContain(`SessionRecord ${second} consumes:`);
    expect(run.stdout).toMatch(/^SessionRecord @\d+ .* is:\n└─ /m);
  });

  it("says what went wrong with unknown ids, options and $N, in one line each", () => {
    const run = heapmat([first], "size @2\nidentify $9\nlargest --slef\nvalues global.appCahce\n");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^error: no object with id @2 \(did you mean @\d+\?\)$/),
      "error: $9: no objects listed yet (largest, find, inrefs … list some)",
      "error: largest: unknown option '--slef' (did you mean '--self'?)",
      "error: global.appCahce: global has no property 'appCahce' (did you mean 'appCache'?)",
    ]);
  });
});

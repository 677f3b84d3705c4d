import { describe, expect, it } from "vitest";
import { parseCli, UsageError } from "./args.js";
import { MEASUREMENTS } from "./bench.js";

describe("parseCli", () => {
  it("defaults to every measurement, 3 runs, at 1m nodes", () => {
    const options = parseCli([]);
    expect(options.scale).toBe("1m");
    expect(options.runs).toBe(3);
    expect([...options.only].sort()).toEqual(Object.keys(MEASUREMENTS).sort());
  });

  it("expands groups and keeps single measurements in --only", () => {
    const options = parseCli(["--only", "dump,memlab", "--scale", "5m", "--runs", "1"]);
    expect([...options.only].sort()).toEqual(["heapmat-dump", "memlab", "v8-write"]);
    expect(options.scale).toBe("5m");
  });

  it.each([
    [["--scale", "2m"], /unknown scale '2m'/],
    [["--runs", "0"], /--runs/],
    [["--only", "memlab,gdb"], /unknown measurement or group 'gdb'/],
    [["--frobnicate"], /frobnicate/],
  ])("rejects %j as a usage error", (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

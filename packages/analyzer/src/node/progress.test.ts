import { describe, expect, it } from "vitest";
import { progressBar } from "./progress.js";

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  let clock = 0;
  return {
    writes,
    tick: (ms: number) => {
      clock += ms;
    },
    options: {
      stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) },
      now: () => clock,
    },
  };
}

describe("progressBar", () => {
  it("draws only after the delay, throttled, and erases itself", () => {
    const term = fakeTerminal(true);
    const bar = progressBar("reading heap.heapsnapshot", term.options);
    bar.onProgress(10e6, 100e6);
    expect(term.writes).toEqual([]);
    term.tick(1500);
    bar.onProgress(50e6, 100e6);
    bar.onProgress(60e6, 100e6); // same instant: throttled
    expect(term.writes).toHaveLength(1);
    expect(term.writes[0]).toContain("reading heap.heapsnapshot [");
    expect(term.writes[0]).toContain(" 50% 50/100 MB");
    term.tick(200);
    bar.onProgress(100e6, 100e6);
    expect(term.writes[1]).toContain("100% 100/100 MB");
    bar.stop();
    expect(term.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("stays silent when stderr is not a terminal", () => {
    const term = fakeTerminal(false);
    const bar = progressBar("x", term.options);
    term.tick(5000);
    bar.onProgress(1, 2);
    bar.stop();
    expect(term.writes).toEqual([]);
  });
});

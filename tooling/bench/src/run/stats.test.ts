import { describe, expect, it } from "vitest";
import { formatBytes, formatMs, formatRatio } from "../report/format.js";
import { minMedian } from "./stats.js";

describe("minMedian", () => {
  it("takes the median of an odd count and the lower middle of an even one", () => {
    expect(minMedian([9, 3, 5])).toEqual({ min: 3, median: 5 });
    expect(minMedian([4, 1, 8, 2])).toEqual({ min: 1, median: 2 });
    expect(minMedian([])).toBeUndefined();
  });
});

describe("formatting", () => {
  it("shows times, sizes and ratios the way the table prints them", () => {
    expect(formatMs(8200)).toBe("8.20 s");
    expect(formatMs(345.4)).toBe("345 ms");
    expect(formatBytes(0.47 * 2 ** 30)).toBe("481 MiB");
    expect(formatBytes(1.84 * 2 ** 30)).toBe("1.84 GiB");
    expect(formatRatio(0.5)).toBe("0.50×");
    expect(formatRatio(0.042)).toBe("0.042×");
  });
});

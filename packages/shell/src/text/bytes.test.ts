import { describe, expect, it } from "vitest";
import { formatBytes } from "./bytes.js";

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(488)).toBe("488 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(52 * 1024 * 1024)).toBe("52.0 MiB");
  });
});

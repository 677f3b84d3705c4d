import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    // One test: a copy of the repository installed, built and hunted from scratch.
    testTimeout: 300_000,
  },
});

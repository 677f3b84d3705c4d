import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The smoke test dumps and loads a real 100k-node heap in several child processes.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

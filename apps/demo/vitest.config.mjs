import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.mjs"],
    // One suite: a copy of the repository is installed, built and hunted in beforeAll, and
    // deleted (tens of thousands of files) in afterAll.
    hookTimeout: 300_000,
  },
});

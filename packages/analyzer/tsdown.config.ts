import { defineConfig } from "tsdown";

export default defineConfig({
  // The dominator thread is an entry of its own: a worker loads it by file.
  entry: ["src/index.ts", "src/node/index.ts", "src/node/dominator-thread.ts"],
  format: ["esm"],
  target: "node20",
  platform: "neutral",
  dts: true,
  clean: true,
});

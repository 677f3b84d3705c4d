import { defineConfig } from "tsdown";

export default defineConfig({
  // The dominator, edges (.heapsnapshot), .hmat and sidecar threads are entries of their own: a worker loads each by file.
  entry: [
    "src/index.ts",
    "src/node/index.ts",
    "src/node/dominator-thread.ts",
    "src/node/edges-thread.ts",
    "src/node/hmat-thread.ts",
    "src/node/sidecar-thread.ts",
  ],
  format: ["esm"],
  target: "node20",
  platform: "neutral",
  dts: true,
  clean: true,
});

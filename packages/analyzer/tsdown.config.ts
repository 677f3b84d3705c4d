import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/node/index.ts"],
  format: ["esm"],
  target: "node20",
  platform: "neutral",
  dts: true,
  clean: true,
});

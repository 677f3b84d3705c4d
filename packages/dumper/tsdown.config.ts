import { defineConfig } from "tsdown";

// Servers run old Node and may load us with require() or import: ship both.
export default defineConfig({
  entry: ["src/index.ts", "src/format.ts", "src/register.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  target: "node18",
  platform: "node",
  dts: true,
  clean: true,
});

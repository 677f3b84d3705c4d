import { defineConfig } from "tsdown";

// Servers run old Node and may load us with require() or import: ship both. The worker is its
// own entry, loaded beside the chunk that starts it; shims give CJS an import.meta.url.
export default defineConfig({
  entry: ["src/index.ts", "src/format.ts", "src/register.ts", "src/cli.ts", "src/worker.ts"],
  format: ["esm", "cjs"],
  target: "node18",
  platform: "node",
  dts: true,
  clean: true,
  shims: true,
});

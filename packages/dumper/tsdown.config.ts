import { defineConfig } from "tsdown";

// Servers run old Node and may load us with require() or import: ship both. The converter process
// and the worker are entries of their own, found beside the chunk that starts them; shims give CJS
// an import.meta.url.
export default defineConfig({
  entry: [
    "src/index.ts",
    "src/format.ts",
    "src/register.ts",
    "src/cli.ts",
    "src/worker.ts",
    "src/converter-main.ts",
  ],
  format: ["esm", "cjs"],
  target: "node18",
  platform: "node",
  dts: true,
  clean: true,
  shims: true,
});

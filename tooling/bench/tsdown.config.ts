import { defineConfig } from "tsdown";

export default defineConfig({
  // The CLI and each measured child process are separate entries: every measurement runs in a
  // fresh `node dist/child/<name>.mjs`.
  entry: ["src/cli.ts", "src/child/*.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  // Anchors and heapmat's packages are loaded as they are installed, never bundled in.
  deps: { neverBundle: [/^@memlab\//, /^@heapmat\//] },
  dts: false,
  clean: true,
});

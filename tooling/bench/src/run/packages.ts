import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// The workspace packages being measured, as installed beside the benchmark.

const require = createRequire(import.meta.url);

/** A short hash of a workspace package's built JS: it changes whenever the package does. */
export function buildHash(pkg: string): string {
  const dist = join(dirname(require.resolve(`${pkg}/package.json`)), "dist");
  const hash = createHash("sha256");
  const files = existsSync(dist) ? readdirSync(dist).filter((f) => /\.m?js$/.test(f)) : [];
  for (const file of files.sort()) hash.update(file).update(readFileSync(join(dist, file)));
  return hash.digest("hex").slice(0, 8);
}

/** The JS file behind a workspace package's bin. */
export function binOf(pkg: string, bin: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin: bins } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), bins[bin]!);
}

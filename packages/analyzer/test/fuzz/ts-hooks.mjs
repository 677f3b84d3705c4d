// Module hooks that let plain Node (the fuzz CLI and its worker threads) run this package's
// TypeScript sources: `./x.js` resolves to `./x.ts` when only that exists, and .ts files are
// transpiled with the TypeScript compiler the package already has. Transpiled files are cached
// (keyed by path, size and mtime), so a fresh worker starts without loading the compiler.
// Registered by register-ts.mjs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cacheDir = fileURLToPath(new URL("../../node_modules/.cache/heapmat-ts/", import.meta.url));
let ts;

export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
    const url = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (url.protocol === "file:" && existsSync(fileURLToPath(url)))
      return { url: url.href, shortCircuit: true, format: "module" };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { size, mtimeMs } = statSync(file);
  const key = createHash("sha1").update(`${file}\0${size}\0${mtimeMs}`).digest("hex");
  const cached = join(cacheDir, `${key}.js`);
  if (existsSync(cached))
    return { format: "module", source: readFileSync(cached, "utf8"), shortCircuit: true };
  ts ??= (await import("typescript")).default;
  const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
      sourceMap: false,
    },
  });
  mkdirSync(cacheDir, { recursive: true });
  // Written under a unique name, then renamed: concurrent workers never read half a file.
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, outputText);
  renameSync(tmp, cached);
  return { format: "module", source: outputText, shortCircuit: true };
}

// Module hooks that let plain Node (the fuzz CLI and its worker threads) run this package's
// TypeScript sources: `./x.js` resolves to `./x.ts` when only that exists, and .ts files are
// transpiled with the TypeScript compiler the package already has. Registered by register-ts.mjs.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

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
  const source = readFileSync(fileURLToPath(url), "utf8");
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
      sourceMap: false,
    },
  });
  return { format: "module", source: outputText, shortCircuit: true };
}

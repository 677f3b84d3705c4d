// Real child processes running the built package (dist/), real files in temp folders.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DecodedHmat, decodeHmat, entryText } from "../src/hmat-reader.js";

export const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = join(PACKAGE, "dist");
export const REGISTER_ESM = join(DIST, "register.mjs");
export const REGISTER_CJS = join(DIST, "register.cjs");
export const INDEX_ESM = join(DIST, "index.mjs");
export const INDEX_CJS = join(DIST, "index.cjs");
export const CLI = join(DIST, "cli.mjs");

const made: string[] = [];

/** A fresh temp folder, removed by `removeTempDirs()` (call it in afterAll). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-dumper-"));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
}

/** Writes `source` to `dir/name` and returns its path. */
export function writeApp(dir: string, name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

export function runNode(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
) {
  return spawnSync(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: "", ...options.env },
    encoding: "utf8",
    timeout: options.timeout ?? 60_000,
  });
}

export function startNode(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): ChildProcess & { output: () => string; errors: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: "", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    err += d;
  });
  return Object.assign(child, { output: () => out, errors: () => err });
}

/** Resolves once `predicate()` holds, polling; rejects after `ms`. */
export async function until(
  predicate: () => boolean,
  ms = 30_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolvePromise({ code: child.exitCode, signal: child.signalCode });
    else child.on("exit", (code, signal) => resolvePromise({ code, signal }));
  });
}

export function decodeFile(path: string): DecodedHmat {
  return decodeHmat(readFileSync(path), path);
}

/** Ids of the objects (node type "object") named `name` in a decoded dump. */
export function nodesNamed(decoded: DecodedHmat, name: string): number[] {
  const fields = decoded.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const idAt = fields.indexOf("id");
  const object = (decoded.snapshot.meta.node_types as [string[]])[0].indexOf("object");
  const nodes = decoded.tables.nodes!;
  const ids: number[] = [];
  for (let o = 0; o < nodes.length; o += width)
    if (nodes[o + typeAt] === object && entryText(decoded.strings[nodes[o + nameAt]!]!) === name)
      ids.push(nodes[o + idAt]!);
  return ids;
}

/** A program body that builds a recognisable heap: `count` Order objects. */
export function ordersProgram(count: number): string {
  return `class Order { constructor(i) { this.id = i; this.label = "order-" + i; this.items = [i]; } }
function makeOrders(n) { const out = []; for (let i = 0; i < n; i++) out.push(new Order(i)); return out; }
globalThis.orders = makeOrders(${count});
`;
}

// Runs one fuzz case through the readers' single entry point and classifies what happened.

import type { HeapGraph } from "../../src/graph/heap-graph.js";
import { readSnapshot } from "../../src/readers/detect.js";
import { type ByteSource, SnapshotReadError } from "../../src/readers/source.js";
import { allocation, OverBudget } from "./alloc-cap.js";
import type { FuzzCase } from "./mutate.js";

export type Outcome =
  /** A graph came back, and it holds together. */
  | "read"
  /** The readers' typed error, naming the file, an offset and what was expected. */
  | "rejected"
  /** Anything else: an untyped exception, a bad graph, a bad error, an allocation over budget. */
  | "crash"
  | "allocation";

export interface CaseResult {
  outcome: Outcome;
  detail: string;
  /** Largest single allocation, bytes. */
  largest: number;
  truncated: boolean;
}

/** Bytes one allocation may take for an input of `length` bytes (gzip inflates up to ~1032x). */
export function budgetFor(bytes: Uint8Array): number {
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (16 << 20) + 64 * bytes.length * (gzip ? 1032 : 1);
}

function sourceOf(c: FuzzCase): ByteSource {
  const { bytes, chunk } = c;
  return {
    name: `fuzz/${c.seed}`,
    size: bytes.length,
    async *chunks() {
      if (chunk === 0) yield bytes;
      else for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
    },
  };
}

export async function runCase(c: FuzzCase): Promise<CaseResult> {
  allocation.largest = 0;
  allocation.budget = budgetFor(c.bytes);
  const result = (outcome: Outcome, detail: string, truncated = false): CaseResult => ({
    outcome,
    detail,
    largest: allocation.largest,
    truncated,
  });
  try {
    const graph = await readSnapshot(sourceOf(c), { salvage: c.salvage });
    allocation.budget = Number.POSITIVE_INFINITY;
    const problem = graphProblem(graph);
    return problem ? result("crash", `bad graph: ${problem}`) : result("read", "");
  } catch (error) {
    allocation.budget = Number.POSITIVE_INFINITY;
    if (error instanceof OverBudget)
      return result("allocation", `${error.what}: ${error.bytes} bytes, budget ${error.budget}`);
    if (error instanceof SnapshotReadError) {
      const problem = errorProblem(error, c);
      return problem
        ? result("crash", `bad SnapshotReadError (${problem}): ${error.message}`)
        : result("rejected", error.message, error.truncated);
    }
    const e = error as Error;
    const where = e?.stack?.split("\n").slice(0, 4).join(" | ") ?? String(error);
    return result("crash", where);
  }
}

function errorProblem(error: SnapshotReadError, c: FuzzCase): string | null {
  if (error.file !== `fuzz/${c.seed}`) return "wrong file";
  if (!Number.isSafeInteger(error.offset) || error.offset < 0) return "bad offset";
  const gzip = c.bytes[0] === 0x1f && c.bytes[1] === 0x8b;
  if (!gzip && error.offset > c.bytes.length) return "offset past the end";
  if (!error.expected) return "no expectation";
  return null;
}

/** What is wrong with a graph a reader returned, if anything: queries index with these. */
export function graphProblem(g: HeapGraph): string | null {
  const n = g.nodeCount;
  const m = g.edgeCount;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(m) || n < 0 || m < 0) return "counts";
  for (const [name, column] of [
    ["nodeKind", g.nodeKind],
    ["nodeName", g.nodeName],
    ["nodeId", g.nodeId],
    ["nodeSelfSize", g.nodeSelfSize],
  ] as const)
    if (column.length !== n) return `${name} has ${column.length} entries for ${n} nodes`;
  for (const [name, column] of [
    ["edgeKind", g.edgeKind],
    ["edgeName", g.edgeName],
    ["edgeTarget", g.edgeTarget],
  ] as const)
    if (column.length !== m) return `${name} has ${column.length} entries for ${m} edges`;
  if (g.firstEdge.length !== n + 1 || g.firstEdge[0] !== 0 || g.firstEdge[n] !== m)
    return "firstEdge bounds";
  for (let i = 0; i < n; i++) {
    if (g.firstEdge[i + 1]! < g.firstEdge[i]!) return `firstEdge decreases at ${i}`;
    if (g.nodeKind[i]! >= g.nodeKinds.length) return `node ${i}'s kind`;
    if (g.nodeName[i]! >= g.strings.length) return `node ${i}'s name`;
  }
  for (let e = 0; e < m; e++) {
    if (g.edgeTarget[e]! >= n) return `edge ${e}'s target`;
    if (g.edgeKind[e]! >= g.edgeKinds.length) return `edge ${e}'s kind`;
    if (g.edgeKindIsIndex[g.edgeKind[e]!] === 0 && g.edgeName[e]! >= g.strings.length)
      return `edge ${e}'s name`;
  }
  if (n > 0 && (g.rootIndex < 0 || g.rootIndex >= n)) return "rootIndex";
  return null;
}

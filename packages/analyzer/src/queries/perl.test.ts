// The queries on Perl's .pmat dumps against pmat's own answers on the same files: count totals,
// roots, and identify (roots and holders, "itself" for a cycle), with SVs named as pmat names them.

import { beforeAll, describe, expect, test } from "vitest";
import { dumpPerl, ensureDevelMat, pmat } from "../../test/pmat/perl.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import type { HeapIndexes } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { openSnapshot } from "../node/open.js";
import { pmatAddress, pmatDetails } from "../readers/pmat.js";
import { label } from "./describe.js";
import { identify, type RetainerStep } from "./identify.js";
import { renderIdentification } from "./render.js";
import { roots } from "./roots.js";
import { count, countTotals } from "./summary.js";

let cacheFile: string;
let cycleFile: string;
let cache: HeapIndexes;
let cycle: HeapIndexes;

beforeAll(async () => {
  ensureDevelMat();
  cacheFile = dumpPerl("cache-leak");
  cycleFile = dumpPerl("cycle");
  cache = indexHeap(await openSnapshot(cacheFile));
  cycle = indexHeap(await openSnapshot(cycleFile));
}, 120_000);

function edgesOf(graph: HeapGraph, node: number): { name: string; target: number }[] {
  const out = [];
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++)
    out.push({ name: graph.strings[graph.edgeName[e]!]!, target: graph.edgeTarget[e]! });
  return out;
}

function follow(graph: HeapGraph, node: number, name: string): number {
  const edge = edgesOf(graph, node).find((e) => e.name === name);
  if (!edge) throw new Error(`no edge '${name}' from ${label(graph, node)}`);
  return edge.target;
}

/** The steps of an identify tree, one "text" per holder ("itself" for a cycle), in any order. */
function ourSteps(steps: RetainerStep[], out: string[] = []): string[] {
  for (const step of steps) {
    out.push(step.text);
    if (step.itself) out.push("itself");
    ourSteps(step.retainers, out);
  }
  return out;
}

/** The same from pmat's `identify` answer: the lines after the first, tree drawing removed. */
function theirSteps(answer: string): string[] {
  return (
    answer
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^[\s│├└─]+/, "").replace(/, which is:$/, ""))
      // pmat closes a glob's name with a stray double quote (`the glob '*main::X"`); heapmat does not.
      .map((text) => text.replace(/^(the glob '.*)"$/, "$1'"))
  );
}

describe("queries on .pmat dumps, against pmat", () => {
  test("count: the totals, and every kind's count, equal pmat's `count`", () => {
    const [answer] = pmat(cacheFile, ["count"]);
    const theirs = new Map<string, number>();
    for (const m of answer!.matchAll(/^ {2}(\S+) +(\d+) /gm)) theirs.set(m[1]!, Number(m[2]));
    expect(theirs.get("(total)")).toBeGreaterThan(5000);
    const ours = new Map(count(cache, "kind").map((row) => [row.key, row.count]));
    ours.set("(total)", countTotals(cache.graph).count);
    expect(ours).toEqual(theirs);
    expect(countTotals(cache.graph).count).toBe(pmatDetails(cache.graph)!.svCount);
  });

  test("roots: pmat's named roots, each SV named as pmat names it", () => {
    const [answer] = pmat(cacheFile, ["roots"]);
    const theirs = answer!
      .split("\n")
      .filter((line) => line.includes(" at 0x"))
      .map((line) => line.replace(/ *: /, ": "))
      .sort();
    const ours = roots(cache)
      .map((r) => `${r.name}: ${r.description.replace(/ \([^()]*, retains [^()]*\)$/, "")}`)
      .sort();
    expect(theirs.length).toBeGreaterThan(30);
    expect(ours).toEqual(theirs);
  });

  test("identify: the roots and holders pmat's identify finds, through REFs and symbols", () => {
    const g = cache.graph;
    const root = g.rootIndex;
    const cacheHash = follow(g, root, "the symbol '%main::CACHE'");
    const entry = follow(g, follow(g, cacheHash, "value {req3}"), "the referrant");
    const when = follow(g, entry, "value {when}");
    const queue = follow(g, root, "the symbol '@main::QUEUE'");
    const nested = follow(g, follow(g, queue, "element [4]"), "the referrant");
    const handler = follow(g, root, "the symbol '&main::handle_request'");
    const strong = follow(g, follow(g, root, "the symbol '$main::STRONG'"), "the referrant");
    const closure = follow(g, follow(g, root, "the symbol '$main::NEXT'"), "the referrant");
    const counter = follow(g, follow(g, closure, "pad at depth 1"), "the lexical $counter");
    const element = follow(g, queue, "element [3]");
    const nodes = [cacheHash, entry, when, nested, handler, strong, counter, element];
    const answers = pmat(
      cacheFile,
      nodes.map((n) => `identify ${pmatAddress(g.nodeId[n]!)}`),
    );
    nodes.forEach((node, i) => {
      const found = identify(cache, node, { depth: 20, width: 10 });
      expect(answers[i]!.split("\n")[0]).toBe(`${label(g, node)} is:`);
      expect(ourSteps(found.retainers).sort(), label(g, node)).toEqual(
        theirSteps(answers[i]!).sort(),
      );
    });
    expect(ourSteps(identify(cache, counter).retainers)).toContain(
      `the lexical $counter at depth 1 of ${label(g, closure)}`,
    );
    expect(renderIdentification(identify(cache, entry))).toContain(
      `(via RV) value {req3} of ${label(g, cacheHash)}, which is:`,
    );
  });

  test("identify: a self-referencing object is held by itself, as pmat says", () => {
    const g = cycle.graph;
    const nodes: number[] = [];
    for (let i = 0; i < g.nodeCount; i++)
      if (g.strings[g.nodeName[i]!] === "My::Node") nodes.push(i);
    expect(nodes).toHaveLength(10);
    const answers = pmat(
      cycleFile,
      nodes.map((n) => `identify ${pmatAddress(g.nodeId[n]!)}`),
    );
    nodes.forEach((node, i) => {
      const found = identify(cycle, node);
      expect(found.unreachable).toBe(true);
      expect(ourSteps(found.retainers)).toEqual(theirSteps(answers[i]!));
      expect(ourSteps(found.retainers)).toEqual([
        `(via RV) value {me} of ${label(g, node)}`,
        "itself",
      ]);
    });
  });
});

// The .pmat reader against pmat itself: real dumps of real Perl programs, and pmat's own answers
// (count, roots, outrefs, identify) on the same files.

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import {
  develMatOutrefs,
  dumpInside,
  dumpPerl,
  dumpSeries,
  ensureDevelMat,
  pmat,
  pmatLeakreport,
} from "../../test/pmat/perl.js";
import type { HeapGraph } from "../graph/heap-graph.js";
import { UNREACHABLE } from "../graph/heap-index.js";
import { indexHeap } from "../graph/indexes.js";
import { fileSource, openSnapshot } from "../node/open.js";
import {
  PMAT_FIRST_SV,
  type PmatDetails,
  pmatDescribe,
  pmatDetails,
  pmatString,
  readPmat,
} from "./pmat.js";
import { type ByteSource, bytesSource, SnapshotReadError } from "./source.js";

const STRENGTH_MARK: Record<string, string> = {
  strong: "s",
  weak: "w",
  indirect: "i",
  inferred: "~",
};

/** A graph with the lookups the comparisons need. */
class Heap {
  readonly details: PmatDetails;
  private readonly byAddress = new Map<number, number>();

  constructor(readonly graph: HeapGraph) {
    this.details = pmatDetails(graph)!;
    for (let i = 1; i < graph.nodeCount; i++) this.byAddress.set(graph.nodeId[i]!, i);
  }

  node(address: number): number {
    const node = this.byAddress.get(address);
    if (node === undefined) throw new Error(`no SV at 0x${address.toString(16)}`);
    return node;
  }

  /** pmat's format_sv: `HASH(3)=My::Session at 0x55...=rootname`. */
  format(node: number): string {
    return pmatDescribe(this.graph, node)!;
  }

  edges(node: number): { kind: string; name: string; target: number }[] {
    const g = this.graph;
    const out = [];
    for (let e = g.firstEdge[node]!; e < g.firstEdge[node + 1]!; e++)
      out.push({
        kind: g.edgeKinds[g.edgeKind[e]!]!,
        name: g.strings[g.edgeName[e]!]!,
        target: g.edgeTarget[e]!,
      });
    return out;
  }

  /** The root's edge of that name, as a node index. */
  rootEdge(name: string): number {
    const edge = this.edges(this.graph.rootIndex).find((e) => e.name === name);
    if (!edge) throw new Error(`no root edge named ${name}`);
    return edge.target;
  }

  /** `outrefs --all` as pmat prints it: sorted by name, one "mark  name  sv" row each. */
  outrefs(node: number): string[] {
    return this.edges(node)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => `${STRENGTH_MARK[e.kind]}|${e.name}|${this.format(e.target)}`);
  }
}

/** Parses an `outrefs` table: "s  value {id}  SCALAR(UV) at 0x..." rows. */
function parseOutrefs(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => /^[swi~] {2}/.test(line))
    .map((line) => {
      const m = /^([swi~]) {2}(.*?) +(\S+ at 0x[0-9a-f]+(?:=\S+)?)$/.exec(line);
      if (!m) throw new Error(`unparsed outrefs row: ${line}`);
      return `${m[1]}|${m[2]}|${m[3]}`;
    });
}

/** Parses `count`: kind -> [count, blessed count, bytes as pmat formats them]. */
function parseCount(text: string): Map<string, [number, number, string]> {
  const rows = new Map<string, [number, number, string]>();
  for (const line of text.split("\n")) {
    const m = /^ {2,}(\S+) +(\d+) +(\d*) +(\d+(?:\.\d)? (?:bytes|KiB|MiB|GiB))/.exec(line);
    if (m) rows.set(m[1]!, [Number(m[2]), Number(m[3] || 0), m[4]!]);
  }
  return rows;
}

/** pmat's format_bytes: printf's "%.1f", which rounds exact halves to even. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.trunc(bytes)} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const tenths = value * 10;
  const floor = Math.floor(tenths);
  const rounded = tenths - floor === 0.5 ? floor + (floor % 2) : Math.round(tenths);
  return `${(rounded / 10).toFixed(1)} ${units[unit]}`;
}

function ourCount(heap: Heap): Map<string, [number, number, string]> {
  const g = heap.graph;
  const sums = new Map<string, [number, number, number]>();
  let total: [number, number, number] = [0, 0, 0];
  for (let i = PMAT_FIRST_SV; i < g.nodeCount; i++) {
    const kind = g.nodeKinds[g.nodeKind[i]!]!;
    const row = sums.get(kind) ?? [0, 0, 0];
    sums.set(kind, row);
    const rows = [row, total];
    // `count --scalars` also counts SCALARs (BOOLs are SCALARs too) by their description.
    if (kind === "SCALAR" || kind === "BOOL") {
      const desc = g.strings[heap.details.desc![i]!]!;
      const byDesc = sums.get(desc) ?? [0, 0, 0];
      sums.set(desc, byDesc);
      rows.push(byDesc);
    }
    for (const r of rows) {
      r[0]++;
      r[1] += heap.details.blessed![i]!;
      r[2] += g.nodeSelfSize[i]!;
    }
  }
  total = [...total];
  const out = new Map<string, [number, number, string]>();
  for (const [kind, [n, b, bytes]] of sums) out.set(kind, [n, b, formatBytes(bytes)]);
  out.set("(total)", [total[0], total[1], formatBytes(total[2])]);
  return out;
}

function chunked(bytes: Uint8Array, sizes: () => number): ByteSource {
  return {
    name: "chunked.pmat",
    size: bytes.byteLength,
    async *chunks() {
      for (let at = 0; at < bytes.byteLength; ) {
        const end = Math.min(bytes.byteLength, at + sizes());
        yield bytes.slice(at, end);
        at = end;
      }
    },
  };
}

let cacheFile: string;
let cycleFile: string;
let cache: Heap;
let cycle: Heap;

beforeAll(async () => {
  ensureDevelMat();
  cacheFile = dumpPerl("cache-leak");
  cycleFile = dumpPerl("cycle");
  cache = new Heap(await readPmat(await fileSource(cacheFile)));
  cycle = new Heap(await readPmat(await fileSource(cycleFile)));
}, 120_000);

describe("readPmat against pmat", () => {
  test("count: every kind's count, blessed count and bytes equal pmat's, and so do the totals", () => {
    for (const heap of [cache, cycle]) {
      const file = heap === cache ? cacheFile : cycleFile;
      const [answer] = pmat(file, ["count --scalars"]);
      const theirs = parseCount(answer!);
      expect(theirs.get("(total)")![0]).toBeGreaterThan(5000);
      expect(ourCount(heap)).toEqual(theirs);
      expect(heap.details.svCount).toBe(theirs.get("(total)")![0]);
      expect(theirs.get("SCALAR(PV)")![0]).toBeGreaterThan(100);
    }
  });

  test("every SV's edges are exactly the outrefs Devel::MAT computes, strengths and names included", async () => {
    // A dump taken inside a sub, while `local` holds saved values, has inferred edges too.
    const localFile = dumpInside("local");
    const local = new Heap(await readPmat(await fileSource(localFile)));
    for (const [heap, file] of [
      [cache, cacheFile],
      [cycle, cycleFile],
      [local, localFile],
    ] as const) {
      const g = heap.graph;
      const ours: string[] = [];
      for (let node = PMAT_FIRST_SV; node < g.nodeCount; node++) {
        const from = g.nodeId[node]!.toString(16);
        for (const e of heap.edges(node))
          ours.push(`${from}\t${e.kind}\t${e.name}\t${g.nodeId[e.target]!.toString(16)}`);
      }
      const theirs = develMatOutrefs(file);
      expect(theirs.length).toBeGreaterThan(10_000);
      // Among aliases (globs sharing one sub), which glob pmat calls a sub's "the glob" depends on
      // Perl's hash order, and so changes from run to run: any glob holding the sub will do.
      const holds = (glob: string, code: string) =>
        heap
          .edges(heap.node(Number.parseInt(glob, 16)))
          .some((e) => e.name === "the code" && g.nodeId[e.target]!.toString(16) === code);
      const canonical = (line: string) => {
        const [from, strength, name, to] = line.split("\t") as [string, string, string, string];
        return name === "the glob" && holds(to, from)
          ? `${from}\t${strength}\t${name}\t(a holder)`
          : line;
      };
      expect(ours.map(canonical).sort()).toEqual(theirs.map(canonical).sort());
      if (heap === local)
        for (const name of [
          "saved value of SCALAR slot",
          "saved value of element [1]",
          "saved value of value {mode}",
        ])
          expect(
            ours.some((line) => line.includes(`\t${name}\t`)),
            name,
          ).toBe(true);
    }
  });

  test("roots: the root node holds pmat's named roots, with pmat's descriptions", () => {
    const [answer] = pmat(cacheFile, ["roots"]);
    const theirs = answer!
      .split("\n")
      .filter((line) => line.includes(" at 0x"))
      .map((line) => {
        const m = /^(.*?) *: (\S+ at 0x[0-9a-f]+\S*)$/.exec(line);
        return `${m![1]}: ${m![2]}`;
      })
      .sort();
    const ours = cache
      .edges(cache.graph.rootIndex)
      .filter((e) => !/^(the symbol|the glob|a value on the stack|a mortal)\b/.test(e.name))
      .map((e) => `${e.name}: ${cache.format(e.target)}`)
      .sort();
    expect(theirs.length).toBeGreaterThan(30);
    expect(ours).toEqual(theirs);
  });

  test("outrefs of SVs of every kind equal pmat's `outrefs --all`", () => {
    const cacheHash = cache.rootEdge("the symbol '%main::CACHE'");
    const entryRef = cache.edges(cacheHash).find((e) => e.name === "value {req7}")!.target;
    const entry = cache.edges(entryRef).find((e) => e.name === "the referrant")!.target;
    const queue = cache.rootEdge("the symbol '@main::QUEUE'");
    const closure = cache.edges(cache.rootEdge("the symbol '$main::NEXT'"))[0]!.target;
    const handler = cache.rootEdge("the symbol '&main::handle_request'");
    const handlerPad = cache.edges(handler).find((e) => e.name === "pad at depth 1")!.target;
    const alias = cache.rootEdge("the symbol '$main::ALIAS'");
    const strong = cache.rootEdge("the symbol '$main::STRONG'");
    const sessionStash = cache.edges(entry).find((e) => e.name === "the bless package")!.target;
    const cacheGlob = cache.rootEdge("the glob '*main::CACHE'");
    const stdout = cache.rootEdge("the glob '*main::STDOUT'");
    const io = cache.edges(stdout).find((e) => e.name === "the io")!.target;
    const svs = [cacheHash, entryRef, entry, queue, closure, handler, handlerPad, alias, strong];
    svs.push(cache.edges(strong).find((e) => e.name === "the referrant")?.target ?? strong);
    svs.push(sessionStash, cacheGlob, stdout, io);
    const answers = pmat(
      cacheFile,
      svs.map((n) => `outrefs --all 0x${cache.graph.nodeId[n]!.toString(16)}`),
    );
    svs.forEach((node, i) => {
      const theirs = parseOutrefs(answers[i]!);
      expect(theirs.length, cache.format(node)).toBeGreaterThan(0);
      // pmat shows the first page of long lists.
      expect(cache.outrefs(node).slice(0, theirs.length), cache.format(node)).toEqual(theirs);
    });
    // Between them, those cover every strength and the "via RV" shortcuts.
    const all = svs.flatMap((n) => cache.edges(n));
    expect(new Set(all.map((e) => e.kind))).toEqual(
      new Set(["strong", "weak", "indirect", "inferred"]),
    );
    expect(all.some((e) => e.name === "value {req7} via RV")).toBe(true);
    expect(all.some((e) => e.name === 'value {"odd key"}')).toBe(true);
  });

  test("identify: a cached hash is held by the symbol %main::CACHE, as pmat says", () => {
    const cacheHash = cache.rootEdge("the symbol '%main::CACHE'");
    const entryRef = cache.edges(cacheHash).find((e) => e.name === "value {req3}")!.target;
    const entry = cache.edges(entryRef).find((e) => e.name === "the referrant")!.target;
    const address = `0x${cache.graph.nodeId[entry]!.toString(16)}`;
    const [answer] = pmat(cacheFile, [`identify ${address}`]);
    expect(answer).toContain(`${cache.format(entry)} is:`);
    expect(answer).toContain(`(via RV) value {req3} of ${cache.format(cacheHash)}, which is:`);
    expect(answer).toContain("the symbol '%main::CACHE'");
    const indexes = indexHeap(cache.graph);
    expect(indexes.distance[entry]).not.toBe(UNREACHABLE);
    expect(indexes.distance[cacheHash]).toBe(1);
  });

  test("identify: package variables, subs and packages are named by their symbol, as pmat does", () => {
    const names = ["%main::CACHE", "&main::handle_request", "%My::Session::", "@main::QUEUE"];
    const nodes = names.map((name) => cache.rootEdge(`the symbol '${name}'`));
    const answers = pmat(
      cacheFile,
      nodes.map((n) => `identify 0x${cache.graph.nodeId[n]!.toString(16)}`),
    );
    names.forEach((name, i) => {
      expect(answers[i]).toBe(`${cache.format(nodes[i]!)} is:\n└─the symbol '${name}'\n\n`);
    });
  });

  test("identify: a self-referencing object is held only by itself, and unreachable from the roots", () => {
    const indexes = indexHeap(cycle.graph);
    const g = cycle.graph;
    const nodes: number[] = [];
    for (let i = PMAT_FIRST_SV; i < g.nodeCount; i++)
      if (g.strings[g.nodeName[i]!] === "My::Node") nodes.push(i);
    expect(nodes).toHaveLength(10);
    const answers = pmat(
      cycleFile,
      nodes.map((n) => `identify 0x${g.nodeId[n]!.toString(16)}`),
    );
    nodes.forEach((node, i) => {
      expect(answers[i]).toContain(
        `(via RV) value {me} of ${cycle.format(node)}, which is:\n  itself`,
      );
      expect(indexes.distance[node]).toBe(UNREACHABLE);
      const self = cycle.edges(node).find((e) => e.name === "value {me} via RV");
      expect(self?.target).toBe(node);
    });
  });

  test("scalars keep their values: strings (cut where the dumper cuts them) and numbers", () => {
    const d = cache.details;
    const big = cache.rootEdge("the symbol '$main::BIG'");
    expect(pmatString(d, big)).toBe("A".repeat(256));
    const queue = cache.edges(cache.rootEdge("the symbol '@main::QUEUE'"));
    const element = (i: number) => queue.find((e) => e.name === `element [${i}]`)!.target;
    expect([d.num![element(0)], d.num![element(1)], d.num![element(2)]]).toEqual([1, -2, 2.5]);
    expect(pmatString(d, element(3))).toBe("three");
    expect(pmatString(d, element(0))).toBeUndefined();
    // pmat calls a negative IV a UV (it reads the IV-is-UV flag the other way round); heapmat's
    // descriptions follow pmat, its numbers follow perl.
    expect(cache.format(element(1))).toMatch(/^SCALAR\(UV\) at /);
  });
});

/**
 * pmat-leakreport's algorithm over heapmat graphs: SVs (address + basetype) new in dump i that
 * survive to the last dump; with `onlyFirst`, only the first batch of new ones.
 */
function leakReport(graphs: HeapGraph[], onlyFirst: boolean): string[] {
  const keys = (g: HeapGraph) => {
    const basetypes = pmatDetails(g)!.basetypes;
    const out = new Set<string>();
    for (let i = PMAT_FIRST_SV; i < g.nodeCount; i++)
      out.add(`${g.nodeId[i]}:${basetypes[g.nodeKind[i]!]}`);
    return out;
  };
  let previous = keys(graphs[0]!);
  const candidates = new Map<string, number>();
  for (let i = 1; i < graphs.length; i++) {
    const svs = keys(graphs[i]!);
    for (const key of candidates.keys()) if (!svs.has(key)) candidates.delete(key);
    if (i === graphs.length - 1) break;
    if (onlyFirst && candidates.size > 0) continue;
    for (const key of svs) if (!previous.has(key)) candidates.set(key, i + 1);
    previous = svs;
  }
  const last = new Heap(graphs.at(-1)!);
  return [...candidates].map(([key, found]) => {
    const address = Number(key.split(":")[0]);
    const node = last.node(address);
    return `LEAK[${found}] ${pmatDescribe(last.graph, node, true)}`;
  });
}

describe("pmat-leakreport from the reader's data", () => {
  test("the candidates and their descriptions equal pmat-leakreport's, with and without -1", async () => {
    const files = dumpSeries();
    // Earlier dumps only need ids and kinds, as heapmat-leakreport reads them.
    const graphs = [];
    for (const file of files.slice(0, -1))
      graphs.push(await readPmat(await fileSource(file), { idsOnly: true }));
    graphs.push(await readPmat(await fileSource(files.at(-1)!)));
    for (const onlyFirst of [false, true]) {
      const theirs = pmatLeakreport(files, onlyFirst).sort();
      expect(theirs.length).toBeGreaterThan(onlyFirst ? 10 : 30);
      expect(leakReport(graphs, onlyFirst).sort()).toEqual(theirs);
    }
  });
});

describe("readPmat input handling", () => {
  test("any chunking gives the same graph", async () => {
    const bytes = readFileSync(cycleFile);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % 5000);
    };
    for (const sizes of [() => 7, random]) {
      const graph = await readPmat(chunked(bytes, sizes));
      expect(graph.nodeCount).toBe(cycle.graph.nodeCount);
      expect(graph.nodeId).toEqual(cycle.graph.nodeId);
      expect(graph.nodeKind).toEqual(cycle.graph.nodeKind);
      expect(graph.edgeTarget).toEqual(cycle.graph.edgeTarget);
      expect(graph.edgeName).toEqual(cycle.graph.edgeName);
      expect(graph.strings).toEqual(cycle.graph.strings);
    }
  });

  test("progress reaches the file's size, never going back", async () => {
    const seen: number[] = [];
    const source = await fileSource(cycleFile);
    await readPmat(source, { onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(source.size);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  test("idsOnly: the same ids and kinds, without edges", async () => {
    const graph = await readPmat(await fileSource(cacheFile), { idsOnly: true });
    expect(graph.nodeId).toEqual(cache.graph.nodeId);
    expect(graph.nodeKind).toEqual(cache.graph.nodeKind);
    expect(graph.edgeCount).toBe(0);
    expect(pmatDetails(graph)!.desc).toBeNull();
  });

  test("a truncated dump is an error naming the file, the offset and what was cut", async () => {
    const bytes = readFileSync(cacheFile);
    for (const cut of [3, 40, 300, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const error = await readPmat(bytesSource("cut.pmat", bytes.subarray(0, cut))).catch((e) => e);
      expect(error, `cut at ${cut}`).toBeInstanceOf(SnapshotReadError);
      expect(error.truncated).toBe(true);
      expect(error.file).toBe("cut.pmat");
      expect(error.offset).toBeLessThanOrEqual(cut);
      expect(error.offset).toBeGreaterThan(cut - 70_000);
    }
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    const partial = await readPmat(bytesSource("cut.pmat", half), { salvage: true });
    expect(partial.nodeCount).toBeGreaterThan(1000);
    expect(partial.nodeCount).toBeLessThan(cache.graph.nodeCount);
  });

  test("other files and other format versions are refused with a clear message", async () => {
    const bytes = new Uint8Array(readFileSync(cacheFile).subarray(0, 4096));
    const notPmat = await readPmat(bytesSource("x.bin", new TextEncoder().encode("HELLO"))).catch(
      (e) => e,
    );
    expect(notPmat).toBeInstanceOf(SnapshotReadError);
    expect(notPmat.offset).toBe(0);
    expect(notPmat.message).toContain('"PMAT"');
    const v5 = bytes.slice();
    v5[7] = 5;
    const newer = await readPmat(bytesSource("v5.pmat", v5)).catch((e) => e);
    expect(newer).toBeInstanceOf(SnapshotReadError);
    expect(newer.offset).toBe(6);
    expect(newer.message).toContain("format version 0.4");
    expect(newer.message).toContain("not 0.5");
  });

  test("openSnapshot recognises a .pmat by its magic and reads it with this reader", async () => {
    const graph = await openSnapshot(cycleFile);
    expect(graph.info.format).toBe("pmat");
    expect(graph.nodeId).toEqual(cycle.graph.nodeId);
    expect(graph.edgeCount).toBe(cycle.graph.edgeCount);
  });
});

// Valid files of every format for the fuzzer to mutate, made from real sources: a real V8 heap
// snapshot cut down to its first few hundred nodes (still a valid snapshot), the dumper's .hmat
// of it, its gzip, and a real Devel::MAT::Dumper .pmat when Perl's Devel::MAT is installable.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { convertFile } from "@heapmat/dumper";
import { dumpPerl, ensureDevelMat } from "../pmat/perl.js";
import { takeSnapshot } from "../take-snapshot.js";

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

interface V8Snapshot {
  snapshot: { meta: Record<string, string[] | string[][]>; node_count: number; edge_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
  locations?: number[];
  [key: string]: unknown;
}

/**
 * A valid snapshot holding the first `keep` nodes of `json`: edges to dropped nodes are dropped,
 * counts, strings and locations follow.
 */
export function shrinkSnapshot(json: V8Snapshot, keep: number): V8Snapshot {
  const meta = json.snapshot.meta;
  const nf = meta.node_fields as string[];
  const ef = meta.edge_fields as string[];
  const F = nf.length;
  const E = ef.length;
  const [fName, fEdges] = [nf.indexOf("name"), nf.indexOf("edge_count")];
  const [eType, eName, eTo] = [
    ef.indexOf("type"),
    ef.indexOf("name_or_index"),
    ef.indexOf("to_node"),
  ];
  const edgeTypes = (meta.edge_types as string[][])[0]!;
  const n = Math.min(keep, json.nodes.length / F);
  const strings = new Map<number, number>();
  const str = (i: number) => {
    const known = strings.get(i);
    if (known !== undefined) return known;
    strings.set(i, strings.size);
    return strings.size - 1;
  };
  const nodes: number[] = [];
  const edges: number[] = [];
  let e = 0;
  for (let i = 0; i < n; i++) {
    const row = json.nodes.slice(i * F, (i + 1) * F);
    let kept = 0;
    for (let k = row[fEdges]!; k > 0; k--, e++) {
      const edge = json.edges.slice(e * E, (e + 1) * E);
      if (edge[eTo]! / F >= n) continue;
      const kind = edgeTypes[edge[eType]!];
      if (kind !== "element" && kind !== "hidden") edge[eName] = str(edge[eName]!);
      edges.push(...edge);
      kept++;
    }
    row[fName] = str(row[fName]!);
    row[fEdges] = kept;
    nodes.push(...row);
  }
  const locations: number[] = [];
  const loc = json.locations ?? [];
  for (let i = 0; i + 3 < loc.length; i += 4)
    if (loc[i]! / F < n) locations.push(...loc.slice(i, i + 4));
  return {
    ...json,
    snapshot: { ...json.snapshot, node_count: n, edge_count: edges.length / E },
    nodes,
    edges,
    locations,
    strings: [...strings.keys()].map((i) => json.strings[i]!),
  };
}

/** Writes the seed files into `dir` and returns them. */
export async function makeSeeds(dir: string, options: { pmat?: boolean } = {}): Promise<Seed[]> {
  const real = takeSnapshot(
    'globalThis.keep = Array.from({ length: 50 }, (_, i) => ({ i, name: "item " + i, list: [i, i * 2] }));',
    { name: "seed-source" },
  );
  const json = JSON.parse(readFileSync(real, "utf8")) as V8Snapshot;
  rmSync(dirname(real), { recursive: true, force: true });
  const small = join(dir, "small.heapsnapshot");
  writeFileSync(small, JSON.stringify(shrinkSnapshot(json, 300)));
  const hmat = join(dir, "small.hmat");
  await convertFile(small, hmat);
  const text = readFileSync(small);
  const seeds: Seed[] = [
    { name: "small.heapsnapshot", bytes: text },
    { name: "small.heapsnapshot.gz", bytes: gzipSync(text) },
    { name: "small.hmat", bytes: readFileSync(hmat) },
  ];
  if (options.pmat !== false) {
    ensureDevelMat();
    const pmat = dumpPerl("cycle", [], dir);
    seeds.push({ name: "small.pmat", bytes: readFileSync(pmat) });
  }
  return seeds;
}

// Writes small golden snapshots with Node 18, 20, 22 and 24: for each major, a V8 .heapsnapshot
// (v8.writeHeapSnapshot) and a .hmat (the dumper's built dist/), of one program holding 100
// GoldenRecord objects, plus what V8 and the dumper said about them. Binaries come from
// tooling/node-matrix's cache. Run alone:
//   node --import ./test/fuzz/register-ts.mjs test/golden/write-snapshots.ts [--out DIR] [--majors 18,20]

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { nodeBinary } from "../../../../tooling/node-matrix/node-binary.mjs";

export const MAJORS = ["18", "20", "22", "24"];
/** How many GoldenRecord objects each snapshot holds. */
export const RECORDS = 100;

const DUMPER = join(import.meta.dirname, "../../../dumper/dist/index.mjs");

export interface Golden {
  major: string;
  version: string;
  heapsnapshot: string;
  hmat: string;
  /** The dumper's own counts for the .hmat it wrote. */
  dumped: { nodes: number; edges: number };
}

/** The program each Node runs: plain JavaScript every major understands. */
function program(heapsnapshot: string, hmat: string): string {
  return `
    class GoldenRecord { constructor(i) { this.index = i; this.label = "golden " + i; } }
    globalThis.golden = Array.from({ length: ${RECORDS} }, (_, i) => new GoldenRecord(i));
    const v8 = await import("node:v8");
    v8.writeHeapSnapshot(${JSON.stringify(heapsnapshot)});
    const { dumpSync } = await import(${JSON.stringify(pathToFileURL(DUMPER).href)});
    const result = dumpSync(${JSON.stringify(hmat)});
    console.log(JSON.stringify({ version: process.version, nodes: result.nodes, edges: result.edges }));
  `;
}

/** Writes every major's golden files into `dir`. */
export function writeGoldenSnapshots(dir: string, majors = MAJORS): Golden[] {
  if (!existsSync(DUMPER)) throw new Error(`${DUMPER} is missing: build the dumper first`);
  mkdirSync(dir, { recursive: true });
  return majors.map((major) => {
    const heapsnapshot = join(dir, `node${major}.heapsnapshot`);
    const hmat = join(dir, `node${major}.hmat`);
    const out = execFileSync(
      nodeBinary(major),
      ["--input-type=module", "-e", program(heapsnapshot, hmat)],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    const { version, nodes, edges } = JSON.parse(out.trim().split("\n").at(-1)!);
    return { major, version, heapsnapshot, hmat, dumped: { nodes, edges } };
  });
}

/** What V8 itself says about a .heapsnapshot, from a plain JSON.parse. */
export function v8Counts(file: string) {
  const json = JSON.parse(readFileSync(file, "utf8"));
  const meta = json.snapshot.meta;
  return {
    nodeCount: json.snapshot.node_count as number,
    edgeCount: json.snapshot.edge_count as number,
    nodeRows: json.nodes.length / meta.node_fields.length,
    edgeRows: json.edges.length / meta.edge_fields.length,
    strings: json.strings.length as number,
    nodeKinds: meta.node_types[0] as string[],
    /** Objects named GoldenRecord, counted from the raw arrays. */
    records: countNamed(json, "GoldenRecord"),
  };
}

function countNamed(
  json: {
    nodes: number[];
    strings: string[];
    snapshot: { meta: { node_fields: string[]; node_types: string[][] } };
  },
  name: string,
): number {
  const fields = json.snapshot.meta.node_fields;
  const width = fields.length;
  const type = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const object = json.snapshot.meta.node_types[0]!.indexOf("object");
  let count = 0;
  for (let o = 0; o < json.nodes.length; o += width)
    if (json.nodes[o + type] === object && json.strings[json.nodes[o + nameAt]!] === name) count++;
  return count;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: { out: { type: "string" }, majors: { type: "string", default: MAJORS.join(",") } },
  });
  const dir = values.out ?? mkdtempSync(join(tmpdir(), "heapmat-golden-"));
  for (const g of writeGoldenSnapshots(dir, values.majors.split(",")))
    console.log(
      `${g.version}: ${g.heapsnapshot}, ${g.hmat} (${g.dumped.nodes} nodes, ${g.dumped.edges} edges)`,
    );
}

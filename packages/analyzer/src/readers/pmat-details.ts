// What a .pmat graph carries beyond the HeapGraph: pmat's classes and basetypes, its
// descriptions, scalar values and roots (in `graph.info.extra.pmat`).

import type { HeapGraph } from "../graph/heap-graph.js";
import { NO_PV } from "./pmat-heap.js";

/** Node kinds: pmat's SV classes, plus `synthetic` for the root and the three immortal SVs. */
export const PMAT_KINDS = [
  "synthetic",
  "SCALAR",
  "BOOL",
  "REF",
  "ARRAY",
  "PAD",
  "PADLIST",
  "PADNAMES",
  "HASH",
  "STASH",
  "CODE",
  "GLOB",
  "IO",
  "LVALUE",
  "REGEXP",
  "FORMAT",
  "INVLIST",
] as const;
export const K = Object.fromEntries(PMAT_KINDS.map((k, i) => [k, i])) as Record<
  (typeof PMAT_KINDS)[number],
  number
>;

/** Per kind: pmat's basetype (what pmat-leakreport keys SVs by, with the address). */
export const PMAT_BASETYPES = [
  "",
  "SV",
  "SV",
  "SV",
  "AV",
  "AV",
  "AV",
  "AV",
  "HV",
  "HV",
  "CV",
  "GV",
  "IO",
  "LV",
  "REGEXP",
  "PVFM",
  "INVLIST",
] as const;

/** Edge kinds: pmat's reference strengths. */
export const PMAT_EDGE_KINDS = ["strong", "weak", "indirect", "inferred"] as const;
/** Node 0 is the root, 1..3 the immortals (undef, yes, no), then the SVs in file order. */
export const FIRST_SV = 4;

/** What a .pmat carries beyond the heap graph, in `graph.info.extra.pmat`. */
export interface PmatDetails {
  formatVersion: string;
  perlVersion: string;
  ithreads: boolean;
  bigEndian: boolean;
  ptrSize: number;
  uintSize: number;
  /** How many SVs pmat counts: every node except the synthetic ones. */
  svCount: number;
  /** Per node kind: pmat's basetype (SV, AV, HV, CV, GV, IO, LV, REGEXP, PVFM, INVLIST). */
  basetypes: readonly string[];
  /** Per node: string index of pmat's description, e.g. `HASH(3)`, `SCALAR(UV,PV)`, `CODE(PP)`; null when only ids were read. */
  desc: Uint32Array | null;
  /** Per node: the SV's reference count. */
  refcnt: Uint32Array;
  /** Per node: 1 when the SV is blessed (its node name is then the package); null when only ids were read. */
  blessed: Uint8Array | null;
  /** Per node: a SCALAR's flags as dumped (0x01 IV, 0x02 the IV is a UV, 0x04 NV, 0x08 PV, 0x10 UTF-8); null when only ids were read. */
  scalarFlags: Uint8Array | null;
  /** Scalars' string values (cut at the dumper's -max_string), as bytes: read them with `pmatString`. */
  pvBytes: Uint8Array | null;
  /** Per node: where its string value starts in `pvBytes`. */
  pvStart: Float64Array | null;
  /** Per node: its string value's length in bytes, 0xffffffff when it has none. */
  pvLength: Uint32Array | null;
  /** Per node: a scalar's numeric value, NaN for none. */
  num: Float64Array | null;
  /** The interpreter's named roots, as in the file (address 0: unset). */
  roots: { name: string; description: string; strong: boolean; address: number }[];
}

const utf8 = new TextDecoder("utf-8");

/** A scalar's string value (Perl's bytes as Latin-1 unless the scalar is UTF-8), or undefined. */
export function pmatString(details: PmatDetails, node: number): string | undefined {
  const length = details.pvLength?.[node];
  if (length === undefined || length === NO_PV || !details.pvBytes) return undefined;
  const start = details.pvStart![node]!;
  return decodePv(
    details.pvBytes.subarray(start, start + length),
    (details.scalarFlags![node]! & 0x10) !== 0,
  );
}

/** A PV's bytes as a string: UTF-8 when the scalar says so, else one char per byte. */
export function decodePv(bytes: Uint8Array, isUtf8: boolean): string {
  if (isUtf8) return utf8.decode(bytes);
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096)
    text += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  return text;
}

/** The .pmat details of a graph read from a .pmat file, or undefined for other formats. */
export function pmatDetails(graph: HeapGraph): PmatDetails | undefined {
  return graph.info.extra?.pmat as PmatDetails | undefined;
}

/** An SV address as pmat prints it: `0x55efee189120`. */
export function pmatAddress(address: number): string {
  return `0x${address.toString(16)}`;
}

/**
 * A node as pmat names it: `HASH(3)=My::Session at 0x55efee189120`, with `=strtab` after a root's
 * address. `plain` gives pmat-leakreport's form, without package and root name:
 * `HASH(3) at 0x55efee189120`. Undefined for graphs not read from a .pmat.
 */
export function pmatDescribe(graph: HeapGraph, node: number, plain = false): string | undefined {
  const details = pmatDetails(graph);
  if (!details?.desc) return undefined;
  const address = graph.nodeId[node]!;
  let text = graph.strings[details.desc[node]!]!;
  if (!plain && details.blessed![node]) text += `=${graph.strings[graph.nodeName[node]!]}`;
  text += ` at ${pmatAddress(address)}`;
  const root =
    plain || node === graph.rootIndex
      ? undefined
      : details.roots.find((r) => r.address === address);
  if (root) text += `=${root.name}`;
  return text;
}

import { type DumpInfo, type HeapGraph, lifelongKinds } from "@heapmat/analyzer";
import { objectKey } from "../candidates.js";
import { isStringKind, populationKey } from "../heap/classes.js";
import { sortKeys } from "./sort-keys.js";

/** What leak finding keeps of a dump once its graph is dropped. */
export interface DumpDigest {
  file: string;
  info: DumpInfo;
  nodeCount: number;
  /**
   * Sorted object keys (id and kind), see `objectKey`. In a series, findLeaks empties those of the
   * dumps between the first and the last once it has compared them.
   */
  keys: Float64Array;
  /**
   * Every object's key and self size, unsorted: kept for the first dump of a series only (to tell
   * replacement from growth), and only when the dump carries sizes.
   */
  objects: { keys: Float64Array; sizes: Float64Array } | null;
  /** Highest V8 heap object id (0 when ids carry no order, as Perl addresses). */
  maxId: number;
  /** Objects and bytes per population key, or null when the dump was read without names. */
  population: Map<string, { count: number; bytes: number }> | null;
}

/**
 * Node kinds are numbered per file. Keys use one numbering shared by the whole series so that the
 * same kind compares equal across dumps (and formats). Kinds an object can change in place (a Perl
 * SCALAR upgraded to a REF) count as the kind it keeps for life (see lifelongKinds).
 */
export class KindTable {
  readonly names: string[] = [];

  codes(graph: HeapGraph): Uint8Array {
    return Uint8Array.from(lifelongKinds(graph), (name) => {
      let code = this.names.indexOf(name);
      if (code < 0) {
        code = this.names.push(name) - 1;
        if (code >= 64) throw new Error(`too many node kinds (${name}): at most 64 are supported`);
      }
      return code;
    });
  }
}

export function digest(
  graph: HeapGraph,
  file: string,
  kinds: KindTable,
  keepObjects = false,
): DumpDigest {
  const codes = kinds.codes(graph);
  const { nodeCount, nodeId, nodeKind, nodeSelfSize } = graph;
  const keys = new Float64Array(nodeCount);
  // V8 hands out odd ids to heap objects in increasing order; embedder objects get even ids of
  // their own. Perl addresses have no order at all.
  const ordered = graph.info.format !== "pmat";
  let maxId = 0;
  for (let i = 0; i < nodeCount; i++) {
    const id = nodeId[i]!;
    keys[i] = objectKey(id, codes[nodeKind[i]!]!);
    // Odd: `>>> 0` keeps the parity of any integer below 2^53, and is cheaper than a float's %.
    if (ordered && ((id >>> 0) & 1) === 1 && id > maxId) maxId = id;
  }
  const objects =
    keepObjects && nodeSelfSize.length >= nodeCount
      ? { keys: keys.slice(), sizes: nodeSelfSize.slice(0, nodeCount) }
      : null;
  sortKeys(keys);
  return {
    file,
    info: graph.info,
    nodeCount,
    keys,
    objects,
    maxId,
    population: population(graph),
  };
}

function population(graph: HeapGraph): DumpDigest["population"] {
  const { nodeCount, nodeName, nodeKind, strings, nodeSelfSize } = graph;
  if (strings.length === 0 || nodeName.length < nodeCount) return null;
  // Count by (kind, name index) first: cheap, no string work per node. A string's name is its
  // text, and every string counts as "string": one slot per string kind, not one per text.
  const kindCount = graph.nodeKinds.length;
  const named = Uint8Array.from(graph.nodeKinds, (kind) => (isStringKind(kind) ? 0 : 1));
  const counts = new Map<number, { count: number; bytes: number }>();
  const haveSizes = nodeSelfSize.length >= nodeCount;
  for (let i = 0; i < nodeCount; i++) {
    const kind = nodeKind[i]!;
    const slot = named[kind]! * nodeName[i]! * kindCount + kind;
    let entry = counts.get(slot);
    if (!entry) {
      entry = { count: 0, bytes: 0 };
      counts.set(slot, entry);
    }
    entry.count++;
    if (haveSizes) entry.bytes += nodeSelfSize[i]!;
  }
  const out = new Map<string, { count: number; bytes: number }>();
  for (const [slot, entry] of counts) {
    const key = populationKey(
      graph.nodeKinds[slot % kindCount]!,
      strings[Math.floor(slot / kindCount)]!,
    );
    const total = out.get(key);
    if (total) {
      total.count += entry.count;
      total.bytes += entry.bytes;
    } else out.set(key, { ...entry });
  }
  return out;
}

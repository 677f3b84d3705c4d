import { type HeapGraph, label, typeName } from "@heapmat/analyzer";
import { edgeKindName, edgeLabel, edgeTo, nodeKindName, nodeNameOf } from "../naming/edges.js";

/** One thing an object holds: an element, a property, or a Map/Set entry. */
export interface Entry {
  /** `[3]`, `.name`, or a Map key's label. */
  key: string;
  /** The key's node, for Map entries whose key is a heap object. */
  keyNode?: number;
  /** The value's node; -1 for a Map key whose value is a small integer (not in the heap). */
  node: number;
}

const STRING_KINDS = new Set(["string", "concatenated string", "sliced string"]);

/** Array elements (element edges), or the entries of a Map or Set, in order. */
export function elementsOf(graph: HeapGraph, node: number): Entry[] {
  const collection = collectionEntries(graph, node);
  if (collection) return collection;
  const entries: Entry[] = [];
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    if (edgeKindName(graph, e) === "element") {
      entries.push({ key: `[${edgeLabel(graph, e)}]`, node: graph.edgeTarget[e]! });
    }
  }
  return entries;
}

/** Named properties (without the prototype link), then a Map's entries as key => value. */
export function valuesOf(graph: HeapGraph, node: number): Entry[] {
  const entries: Entry[] = [];
  for (let e = graph.firstEdge[node]!; e < graph.firstEdge[node + 1]!; e++) {
    const name = edgeLabel(graph, e);
    const kind = edgeKindName(graph, e);
    if ((kind === "property" || kind === "context") && name !== "__proto__") {
      entries.push({ key: name, node: graph.edgeTarget[e]! });
    }
  }
  return [...entries, ...(collectionEntries(graph, node) ?? [])];
}

/**
 * A Map's or Set's entries from its hash table (`table`, V8's OrderedHashMap/OrderedHashSet): the
 * table's slots are numbered internal edges; entries are runs of 3 slots (key, value, chain) for a
 * Map and 2 (key, chain) for a Set, after a header and the buckets. Small integers are not heap
 * objects and have no edge, so slot numbers, not edge order, pair keys with values.
 */
function collectionEntries(graph: HeapGraph, node: number): Entry[] | undefined {
  const name = nodeNameOf(graph, node);
  if (nodeKindName(graph, node) !== "object") return undefined;
  const isMap = name === "Map" || name === "SafeMap";
  const isSet = name === "Set" || name === "SafeSet";
  if (!isMap && !isSet) return undefined;
  const table = edgeTo(graph, node, ["internal"], "table");
  if (table < 0) return [];
  const slots = new Map<number, number>();
  for (let e = graph.firstEdge[table]!; e < graph.firstEdge[table + 1]!; e++) {
    const slot = Number(edgeLabel(graph, e));
    if (Number.isInteger(slot) && edgeKindName(graph, e) !== "hidden") {
      slots.set(slot, graph.edgeTarget[e]!);
    }
  }
  const width = isMap ? 3 : 2;
  const first = firstEntrySlot(graph, table, width, [...slots.keys()]);
  if (first === undefined) return [];
  const entries: Entry[] = [];
  let last = 0;
  for (const slot of slots.keys()) if (slot > last) last = slot;
  for (let slot = first; slot <= last; slot += width) {
    const key = slots.get(slot);
    const value = isMap ? slots.get(slot + 1) : key;
    if (key === undefined && value === undefined) continue;
    if (isSet) {
      entries.push({ key: `[${entries.length}]`, node: key! });
      continue;
    }
    entries.push({
      key: key === undefined ? "(number)" : keyText(graph, key),
      ...(key !== undefined && { keyNode: key }),
      node: value ?? -1,
    });
  }
  return entries;
}

/** Where entries start: from the table's size (header 3 slots, buckets b, capacity 2b). */
function firstEntrySlot(graph: HeapGraph, table: number, width: number, used: number[]) {
  const bytes = graph.nodeSelfSize[table]!;
  for (const [pointer, header] of [
    [8, 16],
    [4, 8],
  ] as const) {
    const slots = (bytes - header) / pointer;
    const buckets = (slots - 3) / (1 + 2 * width);
    if (Number.isInteger(buckets) && buckets > 0) return 3 + buckets;
  }
  // Unknown layout: assume the lowest used slot starts an entry.
  return used.length > 0 ? used.reduce((a, b) => Math.min(a, b)) : undefined;
}

function keyText(graph: HeapGraph, key: number): string {
  return STRING_KINDS.has(nodeKindName(graph, key)) ? typeName(graph, key) : label(graph, key);
}

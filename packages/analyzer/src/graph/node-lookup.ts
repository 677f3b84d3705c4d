// Object id -> node index. V8 writes nodes almost in id order, so the usual case needs no hashing:
// the ids that increase along the node order are searched through an evenly spaced bucket index
// (one sequential pass to build, one or two probes per lookup), and the few others go into a Map.
// When ids are not mostly increasing (Perl addresses, odd files), an open-addressing hash table on
// a typed array takes over.

import { writtenThrough } from "./fresh-pages.js";

/**
 * A binary search of `ids` as if they increased along the nodes, as V8 mostly writes them: the node
 * index if it lands on `id`, else -1 (absent, or out of order: nodeIndexLookup knows). It reads
 * about 25 ids at 20M nodes, so a column that loads the pages it reads serves it. Where ids may
 * repeat (Perl addresses), it may land on another node than the first with that id.
 */
export function searchIncreasingIds(ids: ArrayLike<number>, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = ids[mid]!;
    if (at === id) return mid;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Builds a lookup function for `ids` (node index -> id). Missing ids give -1. */
export function nodeIndexLookup(ids: Float64Array): (id: number) => number {
  const n = ids.length;
  const increasing = new Uint32Array(n);
  let kept = 0;
  let last = Number.NEGATIVE_INFINITY;
  const others = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id > last) {
      increasing[kept++] = i;
      last = id;
    } else {
      if (!others.has(id)) others.set(id, i);
      if (others.size > n / 8) return hashLookup(ids);
    }
  }
  if (kept === 0) return () => -1;

  const min = ids[increasing[0]!]!;
  const span = ids[increasing[kept - 1]!]! - min + 1;
  const buckets = kept;
  const bucketOf = (id: number) => Math.floor(((id - min) / span) * buckets);
  // bucketStart[b] = first kept position whose id falls in bucket b or later.
  const bucketStart = new Uint32Array(buckets + 1);
  for (let p = 0, b = 0; b <= buckets; b++) {
    while (p < kept && bucketOf(ids[increasing[p]!]!) < b) p++;
    bucketStart[b] = p;
  }
  return (id) => {
    if (id >= min && id < min + span) {
      const b = bucketOf(id);
      let lo = bucketStart[b]!;
      let hi = bucketStart[b + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const at = ids[increasing[mid]!]!;
        if (at === id) return increasing[mid]!;
        if (at < id) lo = mid + 1;
        else hi = mid;
      }
    }
    return others.get(id) ?? -1;
  };
}

function hashLookup(ids: Float64Array): (id: number) => number {
  let capacity = 16;
  while (capacity < ids.length * 2) capacity *= 2;
  const mask = capacity - 1;
  // Slot holds node index + 1; 0 marks an empty slot.
  const slots = writtenThrough(new Uint32Array(capacity));
  for (let i = 0; i < ids.length; i++) {
    let slot = hash(ids[i]!) & mask;
    while (slots[slot] !== 0) {
      if (ids[slots[slot]! - 1] === ids[i]) break; // duplicate id: the first node wins
      slot = (slot + 1) & mask;
    }
    if (slots[slot] === 0) slots[slot] = i + 1;
  }
  return (id) => {
    let slot = hash(id) & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      if (ids[entry - 1] === id) return entry - 1;
      slot = (slot + 1) & mask;
    }
  };
}

function hash(id: number): number {
  // Ids go up to 2^53 (Perl addresses): mix the high and low 32 bits.
  const low = id >>> 0;
  const high = (id / 4294967296) >>> 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
}

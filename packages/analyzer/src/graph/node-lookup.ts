// Object id -> node index through an open-addressing hash table on a typed array: O(N) to build,
// one or two probes per lookup, and no assumption that ids are sorted in node order.

/** Builds a lookup function for `ids` (node index -> id). Missing ids give -1. */
export function nodeIndexLookup(ids: Float64Array): (id: number) => number {
  let capacity = 16;
  while (capacity < ids.length * 2) capacity *= 2;
  const mask = capacity - 1;
  // Slot holds node index + 1; 0 marks an empty slot.
  const slots = new Uint32Array(capacity);
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

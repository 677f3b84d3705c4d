// Address -> node index on typed arrays, and grouping of records by the node they annotate.

export interface Groups {
  /** Records of node i are order[first[i] .. first[i + 1] - 1]. */
  first: Uint32Array;
  order: Uint32Array;
}

/** Groups extension records by the node they annotate (counting sort, keeping file order). */
export function groupByNode(
  svs: Float64Array,
  count: number,
  index: AddressIndex,
  nodeCount: number,
): Groups {
  const first = new Uint32Array(nodeCount + 1);
  const nodes = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const node = index.get(svs[r]!);
    nodes[r] = node;
    if (node >= 0) first[node + 1]!++;
  }
  for (let i = 0; i < nodeCount; i++) first[i + 1]! += first[i]!;
  const fill = first.slice(0, nodeCount);
  const order = new Uint32Array(first[nodeCount]!);
  for (let r = 0; r < count; r++) {
    const node = nodes[r]!;
    if (node >= 0) order[fill[node]!++] = r;
  }
  return { first, order };
}

/**
 * Address -> node index, open addressing on one typed array: each slot holds the address and the
 * node index side by side, so a lookup touches one cache line. Address 0 marks an empty slot.
 */
export class AddressIndex {
  private readonly table: Float64Array;
  private readonly mask: number;

  constructor(count: number) {
    let size = 16;
    while (size < count * 2) size *= 2;
    this.table = new Float64Array(size * 2);
    this.mask = size - 1;
  }

  private slot(address: number): number {
    const lo = address >>> 0;
    const hi = (address / 4294967296) >>> 0;
    const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    return (h ^ (h >>> 16)) & this.mask;
  }

  set(address: number, value: number): void {
    if (address === 0) return;
    const table = this.table;
    let i = this.slot(address);
    while (table[2 * i] !== 0 && table[2 * i] !== address) i = (i + 1) & this.mask;
    table[2 * i] = address;
    table[2 * i + 1] = value;
  }

  /** The node index at `address`, or -1. */
  get(address: number): number {
    const table = this.table;
    let i = this.slot(address);
    for (;;) {
      const key = table[2 * i]!;
      if (key === address) return table[2 * i + 1]!;
      if (key === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }
}

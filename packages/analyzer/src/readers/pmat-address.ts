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

/** Address -> node index, open addressing on typed arrays (addresses are up to 48 bits). */
export class AddressIndex {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(count: number) {
    let size = 16;
    while (size < count * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.values = new Int32Array(size).fill(-1);
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
    let i = this.slot(address);
    while (this.values[i] !== -1 && this.keys[i] !== address) i = (i + 1) & this.mask;
    this.keys[i] = address;
    this.values[i] = value;
  }

  get(address: number): number {
    let i = this.slot(address);
    for (;;) {
      const v = this.values[i]!;
      if (v === -1 || this.keys[i] === address) return v;
      i = (i + 1) & this.mask;
    }
  }
}

// A synthetic but realistic heap, built in the measured child process: the shapes a server holds
// (class instances with cycles, arrays, Maps and Sets, shared and unique strings, closures, a linked
// list, a tree, Buffers), in proportions that scale linearly with `units`.

const TAGS = ["red", "green", "blue", "admin", "guest", "beta", "eu", "us", "apac", "vip"];
const CITIES = ["Lisbon", "Oslo", "Lagos", "Quito", "Hanoi", "Perth", "Tunis", "Lima"];

class Customer {
  readonly orders: Order[] = [];
  readonly tags = new Set<string>();
  constructor(
    readonly id: number,
    readonly name: string,
    readonly email: string,
    readonly city: string,
  ) {}
}

class Order {
  readonly lines: number[];
  constructor(
    readonly id: number,
    readonly customer: Customer,
    readonly amount: number,
    lineCount: number,
  ) {
    this.lines = Array.from({ length: lineCount }, (_, i) => id * 10 + i);
  }
}

class Session {
  readonly onExpire: () => string;
  constructor(
    readonly token: string,
    readonly customer: Customer,
    readonly payload: Buffer,
  ) {
    const started = Date.now();
    this.onExpire = () => `${token}@${started}`;
  }
}

interface ListNode {
  value: number;
  label: string;
  next: ListNode | null;
}

interface TreeNode {
  key: number;
  left: TreeNode | null;
  right: TreeNode | null;
}

/** Leaked per iteration of the leak program: what leakreport must find. */
export class LeakedRecord {
  constructor(
    readonly iteration: number,
    readonly seq: number,
    readonly note: string,
  ) {}
}

export interface SyntheticHeap {
  customers: Map<number, Customer>;
  sessions: Session[];
  history: ListNode | null;
  index: TreeNode | null;
  handlers: Array<() => number>;
  leaked: LeakedRecord[];
}

/**
 * Snapshot nodes per unit, and those of the process before any unit, measured on Node 20 with
 * `node dist/child/calibrate.mjs <units>`: the scales are set from them.
 */
export const NODES_PER_UNIT = 10.6;
export const NODES_WITHOUT_UNITS = 43_000;

export function buildHeap(units: number): SyntheticHeap {
  const heap: SyntheticHeap = {
    customers: new Map(),
    sessions: [],
    history: null,
    index: null,
    handlers: [],
    leaked: [],
  };
  const customerCount = Math.max(1, Math.floor(units / 4));
  for (let c = 0; c < customerCount; c++) {
    const customer = new Customer(
      c,
      `Customer ${c}`,
      `customer${c}@example.com`,
      CITIES[c % CITIES.length]!,
    );
    customer.tags.add(TAGS[c % TAGS.length]!).add(TAGS[(c * 7) % TAGS.length]!);
    heap.customers.set(c, customer);
  }
  const nodes: TreeNode[] = [];
  for (let u = 0; u < units; u++) {
    const customer = heap.customers.get(u % customerCount)!;
    customer.orders.push(new Order(u, customer, (u % 997) + 0.5, 1 + (u % 4)));
    heap.history = { value: u, label: TAGS[u % TAGS.length]!, next: heap.history };
    if (u % 2 === 0) nodes.push({ key: u, left: null, right: null });
    if (u % 4 === 0) {
      const payload = Buffer.alloc(32 + (u % 64), u & 0xff);
      heap.sessions.push(
        new Session(`tok-${u.toString(36)}-${(u * 2654435761) >>> 0}`, customer, payload),
      );
    }
    if (u % 8 === 0) heap.handlers.push(() => u + customer.id);
  }
  heap.index = balancedTree(nodes, 0, nodes.length);
  return heap;
}

function balancedTree(nodes: TreeNode[], from: number, to: number): TreeNode | null {
  if (from >= to) return null;
  const mid = (from + to) >>> 1;
  const node = nodes[mid]!;
  node.left = balancedTree(nodes, from, mid);
  node.right = balancedTree(nodes, mid + 1, to);
  return node;
}

/** How many dumps the leak program takes, one per iteration. */
export const LEAK_DUMPS = 6;

/** One iteration of the leak program: `count` records that are kept forever, plus garbage. */
export function leakSome(heap: SyntheticHeap, iteration: number, count: number): void {
  for (let i = 0; i < count; i++) {
    heap.leaked.push(new LeakedRecord(iteration, i, `leak ${iteration}/${i}`));
    // Transient objects that die at once: the noise a leak report must see through.
    JSON.stringify({ iteration, i, tags: TAGS.slice(i % 5) });
  }
}

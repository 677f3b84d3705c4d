// A budget on the bytes each typed array or ArrayBuffer may ask for, installed in the fuzz worker
// before a case runs: an allocation sized by an unchecked length field (a count of 2^32 in a
// 1 KB file) fails the case instead of taking the machine's memory.

/** Thrown when one allocation is over the budget. Not an Error: the readers must not wrap it. */
export class OverBudget {
  constructor(
    readonly bytes: number,
    readonly budget: number,
    readonly what: string,
  ) {}
}

export const allocation = {
  /** Bytes one allocation may take; Infinity when off. */
  budget: Number.POSITIVE_INFINITY,
  /** The largest allocation granted since the last reset. */
  largest: 0,
};

const TYPED = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

function check(bytes: number, what: string): void {
  if (!(bytes > allocation.largest)) return;
  if (bytes <= allocation.budget) allocation.largest = bytes;
  else {
    const over = new OverBudget(bytes, allocation.budget, what);
    allocation.budget = Number.POSITIVE_INFINITY; // what runs after the throw may allocate
    throw over;
  }
}

/** Replaces the global typed array and ArrayBuffer constructors with checked subclasses. */
export function installAllocationBudget(): void {
  const g = globalThis as unknown as Record<string, new (...args: unknown[]) => object>;
  for (const name of TYPED) {
    const Base = g[name]!;
    const size = (Base as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    g[name] = class extends Base {
      constructor(...args: unknown[]) {
        if (typeof args[0] === "number") check(args[0] * size, `new ${name}(${args[0]})`);
        super(...args);
      }
    };
  }
  const Buffer = g.ArrayBuffer!;
  g.ArrayBuffer = class extends Buffer {
    constructor(...args: unknown[]) {
      if (typeof args[0] === "number") check(args[0], `new ArrayBuffer(${args[0]})`);
      super(...args);
    }
  };
}

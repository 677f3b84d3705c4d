import { NODES_PER_UNIT, NODES_WITHOUT_UNITS } from "./heap/build-heap.js";

/** Heap sizes the benchmark knows, in snapshot nodes (V8's node_count). */
export const SCALES = {
  "100k": 100_000,
  "1m": 1_000_000,
  "5m": 5_000_000,
  "20m": 20_000_000,
} as const;
export type Scale = keyof typeof SCALES;

export function isScale(name: string): name is Scale {
  return Object.hasOwn(SCALES, name);
}

/** How many units `buildHeap` needs for a snapshot of about `nodes` nodes. */
export function unitsFor(nodes: number): number {
  return Math.max(1, Math.round((nodes - NODES_WITHOUT_UNITS) / NODES_PER_UNIT));
}

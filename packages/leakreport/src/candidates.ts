/**
 * pmat-leakreport's rule. Each dump is reduced to a sorted list of keys (object id and kind, see
 * `objectKey`). A key is a candidate when it is new in dump i (absent from dump i-1) and present in
 * every later dump; the last dump only confirms. Works on sorted typed arrays, merge by merge, so a
 * long series of large dumps costs a few linear passes and no hash sets.
 */

/** What a candidate is, keyed: the id in the high bits, the kind (< 64) in the low ones. */
export function objectKey(id: number, kind: number): number {
  return id * 64 + kind;
}

export function keyId(key: number): number {
  return Math.floor(key / 64);
}

export interface CandidateOptions {
  /** Stop adding candidates after the first dump that adds any (pmat-leakreport -1). */
  onefile?: boolean;
}

export interface Candidates {
  /** Candidate keys, sorted ascending. */
  keys: Float64Array;
  /** Per candidate, the index of the dump where it first appeared. */
  generation: Uint16Array;
}

/** Applies the base rule to sorted key lists, one per dump in time order. */
export function findCandidates(
  dumps: readonly Float64Array[],
  options: CandidateOptions = {},
): Candidates {
  const n = dumps.length;
  const found: Array<{ keys: Float64Array; generation: number }> = [];
  if (n >= 3) {
    // Walk backwards: `survivors` holds the keys of dump i that are in every later dump.
    let survivors = dumps[n - 1]!;
    for (let i = n - 2; i >= 1; i--) {
      survivors = intersect(dumps[i]!, survivors);
      const fresh = subtract(survivors, dumps[i - 1]!);
      if (fresh.length > 0) found.push({ keys: fresh, generation: i });
    }
  }
  found.reverse();
  const kept = options.onefile ? found.slice(0, 1) : found;
  // Each key is new in exactly one dump, so the sorted lists are disjoint: merge them one by one.
  let keys: Float64Array = new Float64Array(0);
  let generation = new Uint16Array(0);
  for (const part of kept) {
    const mergedKeys = new Float64Array(keys.length + part.keys.length);
    const mergedGeneration = new Uint16Array(mergedKeys.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < mergedKeys.length; k++) {
      if (j >= part.keys.length || (i < keys.length && keys[i]! < part.keys[j]!)) {
        mergedKeys[k] = keys[i]!;
        mergedGeneration[k] = generation[i++]!;
      } else {
        mergedKeys[k] = part.keys[j++]!;
        mergedGeneration[k] = part.generation;
      }
    }
    keys = mergedKeys;
    generation = mergedGeneration;
  }
  return { keys, generation };
}

/** Sorted a ∩ sorted b. */
export function intersect(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** Sorted a \ sorted b. */
export function subtract(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}

/** Binary search in a sorted key list; -1 when absent. */
export function indexOfKey(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = keys[mid]!;
    if (value < key) lo = mid + 1;
    else if (value > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

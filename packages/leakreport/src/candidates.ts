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

/**
 * Applies the base rule to sorted key lists, one per dump in time order, exactly as pmat-leakreport
 * walks its dumps (with `onefile`, the walk skips dumps while candidates remain and compares the
 * next new keys with the last dump it did not skip).
 */
export function findCandidates(
  dumps: readonly Float64Array[],
  options: CandidateOptions = {},
): Candidates {
  const walk = new CandidateWalk(options);
  for (let i = 0; i < dumps.length; i++) walk.add(dumps[i]!, i === dumps.length - 1);
  return walk.candidates;
}

/**
 * findCandidates one dump at a time: a long series of big dumps then keeps in memory only the keys
 * of the dump that new keys are compared with, not every dump's.
 */
export class CandidateWalk {
  private found: Candidates = { keys: new Float64Array(0), generation: new Uint16Array(0) };
  /** The keys of the last dump the walk did not skip, which new keys are compared with. */
  private previous: Float64Array = new Float64Array(0);
  private added = 0;

  constructor(private readonly options: CandidateOptions = {}) {}

  /** The next dump's sorted keys; `last` for the last dump, which only confirms. */
  add(dump: Float64Array, last: boolean): void {
    const index = this.added++;
    if (index > 0) {
      // Candidates gone from this dump were temporaries.
      this.found = intersectWith(this.found.keys, this.found.generation, dump);
      // After the last dump nothing is compared any more: its predecessor's keys can go.
      if (last) this.previous = new Float64Array(0);
      if (last || (this.options.onefile && this.found.keys.length > 0)) return;
      // The candidates are all in `previous`, so the new keys are disjoint from them.
      const fresh = subtract(dump, this.previous);
      this.found = mergeDisjoint(this.found.keys, this.found.generation, fresh, index);
    }
    this.previous = dump;
  }

  /** The candidates so far: the answer once the last dump is added. */
  get candidates(): Candidates {
    return this.found;
  }
}

/** The candidates whose keys are in the sorted list `dump`. */
function intersectWith(
  keys: Float64Array,
  generation: Uint16Array,
  dump: Float64Array,
): Candidates {
  const outKeys = new Float64Array(keys.length);
  const outGeneration = new Uint16Array(keys.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    while (j < dump.length && dump[j]! < key) j++;
    if (j < dump.length && dump[j] === key) {
      outKeys[n] = key;
      outGeneration[n++] = generation[i]!;
    }
  }
  return { keys: outKeys.subarray(0, n), generation: outGeneration.subarray(0, n) };
}

/** Merges sorted new keys of one generation into the sorted candidates. */
function mergeDisjoint(
  keys: Float64Array,
  generation: Uint16Array,
  fresh: Float64Array,
  freshGeneration: number,
): Candidates {
  const mergedKeys = new Float64Array(keys.length + fresh.length);
  const mergedGeneration = new Uint16Array(mergedKeys.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < mergedKeys.length; k++) {
    if (j >= fresh.length || (i < keys.length && keys[i]! < fresh[j]!)) {
      mergedKeys[k] = keys[i]!;
      mergedGeneration[k] = generation[i++]!;
    } else {
      mergedKeys[k] = fresh[j++]!;
      mergedGeneration[k] = freshGeneration;
    }
  }
  return { keys: mergedKeys, generation: mergedGeneration };
}

/** |sorted a ∩ sorted b|, without making the intersection (160 MB at 20M objects). */
export function countShared(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
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

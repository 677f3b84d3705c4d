// Object keys (see objectKey) are integers below 2^53, sorted once per dump: a few times faster
// here than the built-in comparison sort.
// - Keys below 2^32 (ids below 2^26) are sorted apart, as a Uint32Array, the wider ones after them.
//   In the heaps measured here (20M objects), all V8 ids but a few hundred (roots, native objects)
//   are that small; a long-lived process's grow past it, and those keys take the slower wide
//   path, as a Perl dump's addresses always do.
// - A V8 id belongs to one object, and a dump's ids are dense, so the narrow keys are placed by
//   id in a table of kinds, then read back in id order (20M keys: 0.25-0.4 s). Repeated or sparse
//   ids fall back to a radix sort, two passes of integer arithmetic (0.6-0.75 s), and the wide
//   keys to passes over doubles.

const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;
const TWO_32 = 2 ** 32;

/** Sorts non-negative integers below 2^53 in place, ascending. */
export function sortKeys(keys: Float64Array): void {
  const n = keys.length;
  if (n < 1 << 16) {
    keys.sort();
    return;
  }
  let narrowCount = 0;
  for (let i = 0; i < n; i++) if (keys[i]! < TWO_32) narrowCount++;
  if (narrowCount === 0) {
    sortWide(keys);
    return;
  }
  const narrow = new Uint32Array(narrowCount);
  const wide = new Float64Array(n - narrowCount);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    const key = keys[i]!;
    if (key < TWO_32) narrow[a++] = key;
    else wide[b++] = key;
  }
  sortNarrow(narrow);
  keys.set(narrow);
  sortWide(wide);
  keys.set(wide, narrowCount);
}

function sortNarrow(keys: Uint32Array): void {
  if (!sortById(keys)) radixSortNarrow(keys);
}

/**
 * Sorts keys in place through a table of each id's kind, or returns false, leaving them as they
 * were, when an id repeats or the ids are too sparse for the table to pay.
 */
function sortById(keys: Uint32Array): boolean {
  let max = 0;
  for (let i = 0; i < keys.length; i++) if (keys[i]! > max) max = keys[i]!;
  const ids = (max >>> 6) + 1;
  if (ids > 4 * keys.length) return false;
  const kindPlusOne = new Uint8Array(ids);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const id = key >>> 6;
    if (kindPlusOne[id] !== 0) return false;
    kindPlusOne[id] = (key & 63) + 1;
  }
  let n = 0;
  for (let id = 0; id < ids; id++) {
    const kind = kindPlusOne[id]!;
    if (kind !== 0) keys[n++] = id * 64 + kind - 1;
  }
  return true;
}

/** Two 16-bit passes, in place: the second moves the keys back into their own array. */
function radixSortNarrow(keys: Uint32Array): void {
  let from: Uint32Array = keys;
  let to: Uint32Array = new Uint32Array(keys.length);
  const counts = new Uint32Array(BUCKETS);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    counts.fill(0);
    for (let i = 0; i < from.length; i++) counts[(from[i]! >>> shift) & 0xffff]!++;
    toStarts(counts);
    for (let i = 0; i < from.length; i++) {
      const key = from[i]!;
      to[counts[(key >>> shift) & 0xffff]!++] = key;
    }
    [from, to] = [to, from];
  }
}

/** As many 16-bit passes as the largest key needs, in place. */
function sortWide(keys: Float64Array): void {
  const n = keys.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (keys[i]! > max) max = keys[i]!;
  const passes = Math.max(1, Math.ceil(Math.log2(max + 1) / DIGIT_BITS));
  const counts = new Uint32Array(BUCKETS);
  let from: Float64Array = keys;
  let to: Float64Array = new Float64Array(n);
  for (let pass = 0; pass < passes; pass++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digit(from[i]!, pass)]!++;
    toStarts(counts);
    for (let i = 0; i < n; i++) {
      const key = from[i]!;
      to[counts[digit(key, pass)]!++] = key;
    }
    [from, to] = [to, from];
  }
  if (from !== keys) keys.set(from);
}

/** Bucket counts into each bucket's first position. */
function toStarts(counts: Uint32Array): void {
  let sum = 0;
  for (let b = 0; b < counts.length; b++) {
    const count = counts[b]!;
    counts[b] = sum;
    sum += count;
  }
}

/** The pass-th 16-bit digit of an integer below 2^53 (`>>> 0` is the value modulo 2^32). */
function digit(key: number, pass: number): number {
  const word = pass < 2 ? key >>> 0 : ((key - (key >>> 0)) / TWO_32) >>> 0;
  return (pass & 1) === 0 ? word & 0xffff : word >>> 16;
}

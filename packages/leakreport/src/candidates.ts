/**
 * pmat-leakreport's rule over id sets, one per dump in order: an id is a candidate when it is new
 * in dump i (absent from dump i-1) and present in every later dump. The last dump only confirms.
 * Returns, per dump index, the ids that became candidates there.
 */
export function leakCandidates(dumps: readonly ReadonlySet<number>[]): number[][] {
  const result: number[][] = dumps.map(() => []);
  for (let i = 1; i < dumps.length - 1; i++) {
    const previous = dumps[i - 1]!;
    for (const id of dumps[i]!) {
      if (previous.has(id)) continue;
      let survives = true;
      for (let j = i + 1; j < dumps.length && survives; j++) survives = dumps[j]!.has(id);
      if (survives) result[i]!.push(id);
    }
  }
  return result;
}

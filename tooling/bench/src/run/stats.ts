export interface MinMedian {
  min: number;
  median: number;
}

/** Min and median of the runs' values (the lower median for an even count: a run that happened). */
export function minMedian(values: readonly number[]): MinMedian | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[(sorted.length - 1) >> 1]! };
}

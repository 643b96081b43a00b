// Percentiles by nearest rank, the one definition every report here uses: the smallest value with
// at least q of the sample at or below it.

/** The q-quantile (0 < q <= 1) of an ascending sample by nearest rank; null for an empty one. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/**
 * @module stats/percentile
 * Nearest-rank percentile of sorted samples: the value some sample really had (p99 of 100 samples is the 99th,
 * not the largest). The harness's latency check and the benchmark both report with it, so it lives below both.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

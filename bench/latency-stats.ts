/**
 * @module bench/latency-stats
 * Percentiles of a run's latencies: every sample kept and sorted (a 5 s run at a few thousand req/s is
 * tens of thousands of numbers), nearest-rank (src/stats/percentile.ts), so p99 is a latency that some
 * request really had.
 */
import { percentile } from "../src/stats/percentile.js";

interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}


export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  return { p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), p99Ms: percentile(sorted, 99), maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}

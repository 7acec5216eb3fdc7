/** Latency percentiles of a sample, nearest rank: what the benchmarks and the demo's summary report. */

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** Percentiles of a sample (nearest rank). */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), mean };
}

import { describe, expect, it } from 'vitest';
import { bucketOf, bucketUpperBound, HISTOGRAM_LAST_BUCKET, LatencyHistogram } from './latency-histogram';

/** The exact q-quantile (nearest rank) of a sorted list. */
const exact = (sorted: number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

describe('LatencyHistogram', () => {
  it('puts a value in the bucket whose bounds contain it', () => {
    for (const ms of [0.05, 0.1, 0.11, 1, 7.3, 250, 1234.5, 60_000]) {
      const bucket = bucketOf(ms);
      expect(ms).toBeLessThanOrEqual(bucketUpperBound(bucket) * (1 + 1e-12));
      if (bucket > 0) expect(ms).toBeGreaterThan(bucketUpperBound(bucket - 1) * (1 - 1e-12));
    }
    expect(bucketOf(1e12)).toBe(HISTOGRAM_LAST_BUCKET);
    expect(bucketUpperBound(HISTOGRAM_LAST_BUCKET)).toBe(Infinity);
  });

  it('estimates percentiles within 4.5% of the exact ones', () => {
    // A deterministic long-tailed sample: mostly fast, some slow.
    const values: number[] = [];
    let seed = 42;
    for (let index = 0; index < 5000; index += 1) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const u = seed / 2 ** 31;
      values.push(u < 0.9 ? 5 + u * 40 : 200 + u * 2000);
    }
    const histogram = new LatencyHistogram();
    for (const value of values) histogram.record(value);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const estimate = histogram.quantile(q)!;
      expect(Math.abs(estimate - exact(sorted, q)) / exact(sorted, q)).toBeLessThan(0.045);
    }
  });

  it('merges exactly: the parts add up to the whole', () => {
    const whole = new LatencyHistogram();
    const parts = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let index = 1; index <= 300; index += 1) {
      whole.record(index * 1.7);
      parts[index % 3]!.record(index * 1.7);
    }
    const merged = parts.reduce((sum, part) => sum.merge(LatencyHistogram.fromStored(part.toJSON(), part.min, part.max)), new LatencyHistogram());
    expect(merged.toJSON()).toEqual(whole.toJSON());
    expect(merged.count).toBe(300);
    expect([merged.min, merged.max]).toEqual([1.7, 510]);
    expect(merged.quantile(0.99)).toBe(whole.quantile(0.99));
  });

  it('is exact when every value is the same, and empty without values', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.quantile(0.5)).toBeUndefined();
    histogram.record(12.5, 10);
    histogram.record(Number.NaN);
    histogram.record(-1);
    expect(histogram.count).toBe(10);
    expect(histogram.quantile(0.5)).toBe(12.5);
    expect(histogram.quantile(0.99)).toBe(12.5);
  });
});

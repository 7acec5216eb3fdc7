import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram';
import { seededRandom } from './rollup-test-support';
import { RollupTotals } from './rollup-totals';

/** A raw row (SUMMARY_COLUMNS order) holding `histograms` joined as SQL group_concat joins them. */
const row = (histograms: string, min: number | null = null, max: number | null = null): unknown[] => [1, 0, 0, 0, 0, 0, min, max, histograms];
const window = { from: '2030-01-01T00:00:00.000Z', to: '2030-01-01T01:00:00.000Z' };

describe('RollupTotals', () => {
  it('has the percentiles LatencyHistogram computes, for random histograms (the console and the rollups never disagree)', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 300; round += 1) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const histogram = new LatencyHistogram();
        const runs = Math.floor(random() * 40);
        for (let index = 0; index < runs; index += 1) histogram.record(random() < 0.05 ? 0 : 10 ** (random() * 7 - 2));
        return histogram;
      });
      const merged = parts.reduce((all, part) => all.merge(part), new LatencyHistogram());
      const totals = new RollupTotals();
      totals.add(row(parts.map((part) => JSON.stringify(part.toJSON())).join(','), merged.min ?? null, merged.max ?? null));
      const summary = totals.summary(window);
      expect([summary.p50Ms, summary.p95Ms, summary.p99Ms]).toEqual([merged.quantile(0.5) ?? null, merged.quantile(0.95) ?? null, merged.quantile(0.99) ?? null]);
    }
  });

  it('reads histograms in any JSON form the database may hold, skipping the entries LatencyHistogram skips', () => {
    // The stored form (fast path) and the same data in other JSON spellings (parsed) agree. The
    // last one fails the fast path half-way: the entries it had added before must not count twice.
    const fast = new RollupTotals();
    fast.add(row('{"10":2,"50":1},{},{"10":1}'));
    for (const text of ['{ "10": 2, "50": 1 }, {}, {"10":1}', '{"10":2.0,"50":1e0},{},{"10":1}', '{"10":2,"50":1,"x":5,"-3":4,"500":9,"20":-1,"21":0},{},{"10":1}']) {
      const slow = new RollupTotals();
      slow.add(row(text));
      expect(slow.summary(window), text).toEqual(fast.summary(window));
    }
    expect(fast.summary(window).p50Ms).toBe(LatencyHistogram.fromStored({ 10: 3, 50: 1 }, null, null).quantile(0.5));
    const empty = new RollupTotals();
    empty.add(row('{},{}'));
    expect(empty.summary(window)).toMatchObject({ requests: 1, p50Ms: null, p99Ms: null });
  });

  it('counts nothing from a histogram text that is not JSON, and still sums the row', () => {
    const totals = new RollupTotals();
    totals.add(row('{"10":2'));
    totals.add(row('{"10":1}'));
    expect(totals.summary(window)).toMatchObject({ requests: 2, p99Ms: LatencyHistogram.fromStored({ 10: 1 }, null, null).quantile(0.99) });
  });
});

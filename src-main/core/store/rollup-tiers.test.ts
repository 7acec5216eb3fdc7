import { describe, expect, it } from 'vitest';
import { planRanges, ROLLUP_TIERS } from './rollup-tiers';
import { seededRandom } from './rollup-test-support';

const show = (window: { from: string; to: string }): string[] => planRanges(window).map((range) => `${range.tier.name} ${new Date(range.from).toISOString().slice(0, 16)}–${new Date(range.to).toISOString().slice(0, 16)}`);

describe('planRanges', () => {
  it('takes whole days, then hours, 10-minute spans and minutes only at the edges', () => {
    expect(show({ from: '2030-01-01T00:00:00.000Z', to: '2030-01-03T00:00:00.000Z' })).toEqual(['day 2030-01-01T00:00–2030-01-03T00:00']);
    expect(show({ from: '2030-01-01T22:17:30.000Z', to: '2030-01-03T01:43:00.000Z' })).toEqual([
      'minute 2030-01-01T22:17–2030-01-01T22:20',
      'tenMinutes 2030-01-01T22:20–2030-01-01T23:00',
      'hour 2030-01-01T23:00–2030-01-02T00:00',
      'day 2030-01-02T00:00–2030-01-03T00:00',
      'hour 2030-01-03T00:00–2030-01-03T01:00',
      'tenMinutes 2030-01-03T01:00–2030-01-03T01:40',
      'minute 2030-01-03T01:40–2030-01-03T01:43',
    ]);
    // A sliding "last hour" has no whole hour: 10-minute spans and minutes.
    expect(show({ from: '2030-01-01T12:17:00.000Z', to: '2030-01-01T13:17:00.000Z' })).toEqual([
      'minute 2030-01-01T12:17–2030-01-01T12:20',
      'tenMinutes 2030-01-01T12:20–2030-01-01T13:10',
      'minute 2030-01-01T13:10–2030-01-01T13:17',
    ]);
  });

  it('covers the minutes the minute rows always covered: from the minute containing `from` to the last one starting before `to`', () => {
    expect(show({ from: '2030-01-01T10:00:59.999Z', to: '2030-01-01T10:02:00.001Z' })).toEqual(['minute 2030-01-01T10:00–2030-01-01T10:03']);
    expect(show({ from: '2030-01-01T10:05:00.000Z', to: '2030-01-01T10:05:00.000Z' })).toEqual([]);
    expect(show({ from: '2030-01-01T10:05:00.000Z', to: '2030-01-01T10:00:00.000Z' })).toEqual([]);
    expect(show({ from: 'not a time', to: '2030-01-01T10:00:00.000Z' })).toEqual([]);
  });

  it('always yields adjacent ranges of whole buckets, coarsest in the middle, covering the window exactly (random windows)', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 2000; round += 1) {
      const from = Date.UTC(2030, 0, 1) + Math.floor(random() * 40 * 86_400_000);
      const to = from + Math.floor(random() * (random() < 0.5 ? 3 * 3_600_000 : 10 * 86_400_000));
      const ranges = planRanges({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      if (to <= Math.floor(from / 60_000) * 60_000) {
        expect(ranges).toEqual([]);
        continue;
      }
      expect(ranges[0]!.from).toBe(Math.floor(from / 60_000) * 60_000);
      expect(ranges.at(-1)!.to).toBe(Math.ceil(to / 60_000) * 60_000);
      ranges.forEach((range, index) => {
        expect(range.from % range.tier.ms).toBe(0);
        expect(range.to % range.tier.ms).toBe(0);
        expect(range.from).toBeLessThan(range.to);
        if (index > 0) expect(range.from).toBe(ranges[index - 1]!.to);
      });
      // Tiers rise to one peak and fall again: no finer range between two coarser ones.
      const levels = ranges.map((range) => ROLLUP_TIERS.indexOf(range.tier));
      const peak = levels.indexOf(Math.max(...levels));
      expect(levels.slice(0, peak + 1)).toEqual([...levels.slice(0, peak + 1)].sort((a, b) => a - b));
      expect(levels.slice(peak)).toEqual([...levels.slice(peak)].sort((a, b) => b - a));
      // At most one range per tier and side.
      expect(new Set(levels.slice(0, peak)).size).toBe(peak);
    }
  });
});

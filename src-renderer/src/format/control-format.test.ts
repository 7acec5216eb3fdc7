import { describe, expect, it } from 'vitest';
import {
  budgetStatusLabel,
  formatCacheHitRate,
  formatCount,
  formatPercentile,
  formatPercentUsed,
  formatPerHour,
  formatPerUnit,
  formatProgress,
  formatSpendOfLimit,
  formatSuccessRate,
  formatUptimePercent,
  protectionLevel,
  singularUnit,
  statusLabel,
} from './control-format';

describe('the control panel formats of seed 002', () => {
  it('#19: status, progress and success rate', () => {
    expect(statusLabel('healthy').label).toBe('● Running');
    expect(statusLabel('stopped')).toMatchObject({ icon: '○', text: 'Stopped' });
    expect(formatProgress(23, 100, 'leads')).toBe('23 / 100 leads (23%)');
    expect(formatProgress(199, 200, 'leads')).toBe('199 / 200 leads (99%)');
    expect(formatProgress(1500, 5000, 'pages')).toBe('1,500 / 5,000 pages (30%)');
    expect(formatSuccessRate(23, 23)).toBe('100% (23/23)');
    expect(formatSuccessRate(24, 25)).toBe('96% (24/25)');
    expect(formatSuccessRate(0, 0)).toBe('—');
  });

  it('#20: spend of limit, percentage used, cost per unit and the projection status', () => {
    expect(formatSpendOfLimit(5.29, 50)).toBe('$5.29 / $50.00');
    expect(formatSpendOfLimit(0.000135, 50)).toBe('$0.000135 / $50.00');
    expect(formatSpendOfLimit(5.29, null)).toBe('$5.29 (no limit)');
    expect(formatPercentUsed(5.29, 50)).toBe('10.6% used');
    expect(formatPercentUsed(1, 0)).toBe('100.0% used');
    expect(formatPercentUsed(1, null)).toBe('—');
    expect(formatPerUnit(0.23, 'leads')).toBe('$0.23 avg/lead');
    expect(formatPerUnit(0.5, 'run')).toBe('$0.50 avg/run');
    expect(budgetStatusLabel('on_track')).toEqual({ icon: '✔', text: 'Under budget' });
    expect(budgetStatusLabel('at_risk')).toEqual({ icon: '⚠', text: 'Approaching limit' });
    expect(budgetStatusLabel('over')).toEqual({ icon: '✖', text: 'Limit reached' });
  });

  it('#21: protection icons', () => {
    expect([protectionLevel(0), protectionLevel(1), protectionLevel(12)]).toEqual([
      { icon: '✔', tone: 'ok' },
      { icon: '⚠', tone: 'warn' },
      { icon: '✖', tone: 'bad' },
    ]);
  });

  it('#22: throughput, percentiles, cache hit rate and uptime', () => {
    expect(formatPerHour(212.4, 'leads')).toBe('212 leads/hour');
    expect(formatPerHour(3.5, 'runs')).toBe('3.5 runs/hour');
    expect(formatPerHour(2, 'runs')).toBe('2 runs/hour');
    expect(formatPercentile('P95', 2100)).toBe('P95: 2.1s');
    expect(formatPercentile('P50', 850.4)).toBe('P50: 850ms');
    expect(formatPercentile('P99', null)).toBe('P99: —');
    expect(formatCacheHitRate(34, 100)).toBe('34%');
    expect(formatCacheHitRate(0, 0)).toBe('—');
    expect(formatUptimePercent(99.96)).toBe('100%');
    expect(formatUptimePercent(99.87)).toBe('99.8%');
    expect(formatUptimePercent(null)).toBe('—');
  });

  it('words and numbers', () => {
    expect(['leads', 'runs', 'items', 'queries', 'address', 'kb'].map(singularUnit)).toEqual(['lead', 'run', 'item', 'query', 'address', 'kb']);
    expect(formatCount(2.25)).toBe('2.3');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

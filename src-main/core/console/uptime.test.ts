import { describe, expect, it } from 'vitest';
import { uptimePercent } from './uptime';

const t = (minute: number): string => new Date(Date.UTC(2025, 2, 10, 12, minute)).toISOString();
const now = Date.parse(t(100));

describe('uptimePercent', () => {
  it('is 100 without transitions and null without a period', () => {
    expect(uptimePercent([], t(0), now)).toBe(100);
    expect(uptimePercent([], null, now)).toBeNull();
  });

  it('counts unhealthy, stopped and suspended as down, degraded as up', () => {
    const changes = [
      { at: t(10), to: 'unhealthy' },
      { at: t(20), to: 'degraded' },
      { at: t(50), to: 'stopped' },
      { at: t(60), to: 'healthy' },
      { at: t(90), to: 'suspended' },
    ];
    // Down 10–20, 50–60 and 90–100: 30 of 100 minutes.
    expect(uptimePercent(changes, t(0), now)).toBeCloseTo(70, 6);
  });

  it('ignores transitions before the period (an earlier deployment)', () => {
    expect(uptimePercent([{ at: t(-5), to: 'unhealthy' }], t(0), now)).toBe(100);
  });
});

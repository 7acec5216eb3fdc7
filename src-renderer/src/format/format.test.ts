import { describe, expect, it } from 'vitest';
import { formatClock, formatMs, formatPercent, formatUptime, formatUsd } from './format';

const now = Date.parse('2025-03-10T12:00:00.000Z');

describe('formatUptime', () => {
  it('shows the two largest units', () => {
    expect(formatUptime('2025-03-07T08:00:00.000Z', now)).toBe('3d 4h');
    expect(formatUptime('2025-03-10T09:55:00.000Z', now)).toBe('2h 5m');
    expect(formatUptime('2025-03-10T11:55:50.000Z', now)).toBe('4m 10s');
    expect(formatUptime('2025-03-10T11:59:48.000Z', now)).toBe('12s');
  });

  it('shows a dash when not active or unparseable, and never a negative time', () => {
    expect(formatUptime(null, now)).toBe('—');
    expect(formatUptime('yesterday', now)).toBe('—');
    expect(formatUptime('2025-03-10T12:00:05.000Z', now)).toBe('0s');
  });
});

describe('other formats', () => {
  it('formats latency, money and percentages', () => {
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1240)).toBe('1.24 s');
    expect(formatMs(null)).toBe('—');
    expect(formatUsd(0.00423)).toBe('$0.0042');
    expect(formatUsd(12.3)).toBe('$12.30');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatPercent(41.6)).toBe('42%');
    expect(formatPercent(null)).toBe('—');
  });

  it('formats event times as [HH:MM:SS] local time', () => {
    const local = new Date(2025, 2, 10, 7, 5, 9).toISOString();
    expect(formatClock(local)).toBe('[07:05:09]');
    expect(formatClock('nope')).toBe('[--:--:--]');
  });
});

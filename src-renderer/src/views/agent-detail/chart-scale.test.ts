import { describe, expect, it } from 'vitest';
import { bucketLabel, describeSeries, labelIndexes, linePath, niceAxis, scales, stack, stackedMax, stepDecimals } from './chart-scale';

describe('niceAxis', () => {
  it('tops the axis at a whole number of 1, 2 or 5 × 10ⁿ steps, so every tick is exact', () => {
    expect(niceAxis(48)).toEqual({ top: 60, step: 20, ticks: [0, 20, 40, 60] });
    expect(niceAxis(27)).toEqual({ top: 30, step: 10, ticks: [0, 10, 20, 30] });
    expect(niceAxis(1001)).toEqual({ top: 1500, step: 500, ticks: [0, 500, 1000, 1500] });
    expect(niceAxis(0.0042)).toEqual({ top: 0.006, step: 0.002, ticks: [0, 0.002, 0.004, 0.006] });
    expect(niceAxis(0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('keeps whole steps for counts and gives an empty chart the axis of one', () => {
    expect(niceAxis(3, { integer: true })).toEqual({ top: 3, step: 1, ticks: [0, 1, 2, 3] });
    expect(niceAxis(0, { integer: true })).toEqual({ top: 1, step: 1, ticks: [0, 1] });
    expect(niceAxis(Number.NaN).top).toBe(1);
    expect(niceAxis(-5).top).toBe(1);
  });

  it('knows how many decimals a step needs', () => {
    expect([5, 20, 0.5, 0.25, 0.001, 0.002].map(stepDecimals)).toEqual([0, 0, 1, 2, 3, 3]);
  });
});

describe('scales and paths', () => {
  const box = { width: 120, height: 60, left: 10, right: 10, top: 5, bottom: 5 };

  it('puts each bucket at the centre of its band and values between the top and the bottom of the plot', () => {
    const { x, y, band } = scales(box, 4, 10);
    expect(band).toBe(25);
    expect([x(0), x(3)]).toEqual([22.5, 97.5]);
    expect([y(0), y(5), y(10), y(20), y(-1)]).toEqual([55, 30, 5, 5, 55]);
  });

  it('breaks a line at empty buckets instead of drawing them as zero', () => {
    const { x, y } = scales(box, 5, 10);
    expect(linePath([1, 2, null, 4, 5], x, y)).toBe('M20,50 L40,45 M80,35 L100,30');
    expect(linePath([null, null], x, y)).toBe('');
  });

  it('stacks bars bottom to top and finds the tallest stack', () => {
    expect(stack([[1, 2, 0], [3, 0, 4]])).toEqual([
      [[0, 1], [0, 2], [0, 0]],
      [[1, 4], [2, 2], [0, 4]],
    ]);
    expect(stackedMax([[1, 2, 0], [3, 0, 4]])).toBe(4);
    expect(stackedMax([])).toBe(0);
  });
});

describe('labels and text alternatives', () => {
  it('labels first, last and evenly between', () => {
    expect(labelIndexes(60)).toEqual([0, 15, 30, 44, 59]);
    expect(labelIndexes(3)).toEqual([0, 1, 2]);
    expect(labelIndexes(0)).toEqual([]);
  });

  it('shows minutes as HH:MM and hours with the date when asked', () => {
    const iso = new Date(2025, 2, 3, 14, 5).toISOString();
    expect(bucketLabel(iso, 'minute')).toBe('14:05');
    expect(bucketLabel(iso, 'hour', true)).toBe('Mar 3 14:05');
    expect(bucketLabel('not a time', 'hour')).toBe('not a time');
  });

  it('summarises sums with total and peak, levels with their range, and says when there is nothing', () => {
    const starts = [0, 1, 2].map((minute) => new Date(2025, 2, 3, 14, minute).toISOString());
    const count = (value: number): string => String(value);
    expect(describeSeries('Requests', [1, 5, 0], starts, { kind: 'sum', format: count, bucket: 'minute' })).toBe('Requests: 6 in total; peak 5 at 14:01.');
    expect(describeSeries('p95', [null, 120, 80], starts, { kind: 'level', format: (ms) => `${ms} ms`, bucket: 'minute' })).toBe('p95: between 80 ms and 120 ms; highest at 14:01.');
    expect(describeSeries('Errors', [0, 0, 0], starts, { kind: 'sum', format: count, bucket: 'minute' })).toBe('Errors: no data in this window.');
    expect(describeSeries('p50', [null, null, null], starts, { kind: 'level', format: count, bucket: 'minute' })).toBe('p50: no data in this window.');
    expect(describeSeries('p99', [null, 48, null], starts, { kind: 'level', format: (ms) => `${ms} ms`, bucket: 'minute' })).toBe('p99: 48 ms at 14:01.');
  });
});

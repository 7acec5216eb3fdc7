import { describe, expect, it } from 'vitest';
import { checkProgress, ProgressChannel } from './progress';

describe('checkProgress', () => {
  it('accepts {done, total, unit} and defaults the unit', () => {
    expect(checkProgress({ done: 23, total: 100, unit: 'leads' })).toEqual({ ok: true, progress: { done: 23, total: 100, unit: 'leads' } });
    expect(checkProgress({ done: 0.5, total: 2 })).toEqual({ ok: true, progress: { done: 0.5, total: 2, unit: 'items' } });
  });

  it('clamps done into [0, total] and says so', () => {
    expect(checkProgress({ done: 104, total: 100, unit: 'leads' })).toEqual({ ok: true, progress: { done: 100, total: 100, unit: 'leads', clamped: true } });
    expect(checkProgress({ done: -3, total: 10 })).toEqual({ ok: true, progress: { done: 0, total: 10, unit: 'items', clamped: true } });
  });

  it('cleans the unit: control characters out, 32 characters at most, blank means items', () => {
    expect(checkProgress({ done: 1, total: 2, unit: ' le\u001b[31mads\n ' })).toMatchObject({ progress: { unit: 'le[31mads' } });
    expect(checkProgress({ done: 1, total: 2, unit: 'x'.repeat(40) })).toMatchObject({ progress: { unit: 'x'.repeat(32) } });
    expect(checkProgress({ done: 1, total: 2, unit: '   ' })).toMatchObject({ progress: { unit: 'items' } });
  });

  it('rejects what cannot be a fraction, naming the field', () => {
    expect(checkProgress({ done: 1, total: 0 })).toMatchObject({ ok: false, reason: expect.stringContaining('total must be a finite number above 0, got 0') });
    expect(checkProgress({ done: 1, total: Number.NaN })).toMatchObject({ ok: false, reason: expect.stringContaining('total') });
    expect(checkProgress({ done: '3', total: 10 })).toMatchObject({ ok: false, reason: expect.stringContaining('done must be a finite number, got "3"') });
    expect(checkProgress({ done: 1, total: 10, unit: 7 })).toMatchObject({ ok: false, reason: expect.stringContaining('unit must be a string') });
    expect(checkProgress([1, 10])).toMatchObject({ ok: false });
    expect(checkProgress(null)).toMatchObject({ ok: false });
  });
});

describe('ProgressChannel', () => {
  it('drops reports until a sink is attached and never throws', () => {
    const channel = new ProgressChannel();
    expect(channel.report({ done: 1, total: 2 })).toBe(false);
    const seen: unknown[] = [];
    channel.attach((raw, traceId) => {
      seen.push([raw, traceId]);
      return true;
    });
    expect(channel.report({ done: 1, total: 2 }, 'trace-1')).toBe(true);
    channel.attach(() => {
      throw new Error('sink failed');
    });
    expect(channel.report({ done: 1, total: 2 })).toBe(false);
    channel.detach();
    expect(channel.report({ done: 1, total: 2 })).toBe(false);
    expect(seen).toEqual([[{ done: 1, total: 2 }, 'trace-1']]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_WALK_LIMITS } from './json-strings';
import { cutString, fitOutput, outputSize } from './output-guard';

describe('max_output_chars guard', () => {
  it('measures a string output as the string and anything else as its JSON text', () => {
    expect(outputSize('abc')).toBe(3);
    expect(outputSize({ a: 'abc' })).toBe('{"a":"abc"}'.length);
    expect(outputSize(undefined)).toBe(0);
  });

  it('truncates a string output to the limit', () => {
    expect(fitOutput('x'.repeat(50), 10, DEFAULT_WALK_LIMITS)).toEqual({ ok: true, output: 'x'.repeat(10), truncated: true, fields: 1, removedChars: 40 });
    expect(fitOutput('short', 10, DEFAULT_WALK_LIMITS)).toEqual({ ok: true, output: 'short', truncated: false });
  });

  it('shortens the longest string of an object until its JSON fits, leaving short fields intact', () => {
    const output = { id: 'run-1', status: 'ok', answer: 'a'.repeat(500), note: 'b'.repeat(40) };
    const fit = fitOutput(output, 200, DEFAULT_WALK_LIMITS);
    if (!fit.ok || !fit.truncated) throw new Error('expected a truncation');
    const value = fit.output as typeof output;
    expect(JSON.stringify(value).length).toBeLessThanOrEqual(200);
    expect(value).toMatchObject({ id: 'run-1', status: 'ok', note: 'b'.repeat(40) });
    expect(value.answer).toMatch(/^a+$/);
    expect(fit.fields).toBe(1);
    expect(output.answer).toHaveLength(500);
  });

  it('moves on to the next string when the longest one is used up', () => {
    const fit = fitOutput({ a: 'x'.repeat(30), b: 'y'.repeat(30) }, 20, DEFAULT_WALK_LIMITS);
    if (!fit.ok) throw new Error('expected a fit');
    expect(JSON.stringify(fit.output).length).toBeLessThanOrEqual(20);
    expect(fit).toMatchObject({ truncated: true, fields: 2 });
  });

  it('accounts for JSON escapes', () => {
    const fit = fitOutput({ text: '"\n'.repeat(100) }, 60, DEFAULT_WALK_LIMITS);
    if (!fit.ok) throw new Error('expected a fit');
    expect(JSON.stringify(fit.output).length).toBeLessThanOrEqual(60);
  });

  it('cannot fit an output whose structure alone is too long', () => {
    expect(fitOutput({ a_very_long_key_name: 1, another_long_key_name: 2 }, 10, DEFAULT_WALK_LIMITS)).toEqual({ ok: false, reason: 'structure' });
    expect(fitOutput({ n: 10n }, 5, DEFAULT_WALK_LIMITS)).toEqual({ ok: false, reason: 'unserializable' });
  });

  it('never splits a surrogate pair', () => {
    expect(cutString('ab😀cd', 3)).toBe('ab');
    expect(cutString('ab😀cd', 4)).toBe('ab😀');
  });
});

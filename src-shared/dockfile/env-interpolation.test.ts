import { describe, expect, it } from 'vitest';
import { interpolate, parseDotenv } from './env-interpolation';

describe('interpolate', () => {
  it('applies fallbacks: :- for unset or empty, - for unset only', () => {
    const sources = { environment: { EMPTY: '' } };
    expect(interpolate('${NOPE:-x}', sources).value).toBe('x');
    expect(interpolate('${EMPTY:-x}', sources).value).toBe('x');
    expect(interpolate('${EMPTY-x}', sources).value).toBe('');
    expect(interpolate('${NOPE-x}', sources).value).toBe('x');
  });

  it('treats $${ as a literal and leaves lone $ alone', () => {
    expect(interpolate('cost: $5, $${HOME}', {}).value).toBe('cost: $5, ${HOME}');
    expect(interpolate('$${HOME}', {}).problems).toEqual([]);
  });

  it('reports malformed references without throwing', () => {
    expect(interpolate('${not valid}', {}).problems[0]?.kind).toBe('malformed');
    expect(interpolate('abc ${OPEN', {}).problems[0]?.message).toMatch(/unterminated/);
  });

  it('says which source each variable came from, never the value', () => {
    const result = interpolate('${A}/${B}', { cli: { A: 'secret-a' }, dotenv: { B: 'secret-b' } });
    expect(result.used).toEqual([
      { variable: 'A', source: '--env' },
      { variable: 'B', source: '.env' },
    ]);
    expect(JSON.stringify(result.used)).not.toContain('secret');
  });
});

describe('parseDotenv', () => {
  it('reads assignments, export, quotes and comments', () => {
    const env = parseDotenv('# comment\nA=1\nexport B="two words"\nC=\'single # not comment\'\nD=value # trailing\nnot a line\nE="line\\nbreak"\n');
    expect(env).toEqual({ A: '1', B: 'two words', C: 'single # not comment', D: 'value', E: 'line\nbreak' });
  });
});

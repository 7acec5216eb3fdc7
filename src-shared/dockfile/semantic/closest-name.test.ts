import { describe, it, expect } from 'vitest';
import { boundedLevenshtein, closestName, pickAvailable } from './closest-name';

describe('closestName', () => {
  it('suggests the nearest candidate within the distance budget', () => {
    expect(closestName('build_grpah', ['run', 'build_graph', 'State'])).toBe('build_graph');
    expect(closestName('grap', ['graph', 'app'])).toBe('graph');
  });

  it('returns undefined when nothing is close enough', () => {
    // "graph" -> "workflow" is far beyond max(2, 5/3).
    expect(closestName('graph', ['workflow', 'State'])).toBeUndefined();
    expect(closestName('graph', [])).toBeUndefined();
  });

  it('scales the budget with the name length', () => {
    // 12 characters allow 4 edits; a short name allows only 2.
    expect(closestName('invoiceinput', ['InvoiceInput'])).toBe('InvoiceInput');
    expect(closestName('abc', ['xyz'])).toBeUndefined();
  });

  it('keeps the earliest candidate on ties', () => {
    expect(closestName('run', ['ran', 'rut'])).toBe('ran');
  });

  it('computes exact distances and stops at the bound', () => {
    expect(boundedLevenshtein('kitten', 'sitting', 5)).toBe(3);
    expect(boundedLevenshtein('kitten', 'sitting', 2)).toBe(3);
    expect(boundedLevenshtein('a', 'abcdef', 2)).toBe(3);
  });

  it('ignores absurdly long names instead of spending quadratic time', () => {
    const long = 'x'.repeat(100_000);
    expect(closestName(long, [long])).toBeUndefined();
  });
});

describe('pickAvailable', () => {
  it('sorts, deduplicates and caps at 50 while keeping the closest match', () => {
    const names = Array.from({ length: 80 }, (_, i) => `name_${String(i).padStart(2, '0')}`);
    names.push('zzz_graph', 'name_00');
    const picked = pickAvailable('zzz_grap', names, new Set());
    expect(picked).toHaveLength(50);
    expect(picked).toContain('zzz_graph');
    expect([...picked].sort()).toEqual(picked);
    expect(new Set(picked).size).toBe(50);
  });

  it('prefers real definitions over imports when truncating', () => {
    const imports = Array.from({ length: 60 }, (_, i) => `a_import_${i}`);
    const picked = pickAvailable('q', [...imports, 'z_defined'], new Set(['z_defined']));
    expect(picked).toContain('z_defined');
  });
});

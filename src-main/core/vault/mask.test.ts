import { describe, expect, it } from 'vitest';
import { FULL_MASK, maskSecret } from './mask';

describe('maskSecret', () => {
  it('shows a provider prefix and the last three characters of a long key', () => {
    const key = `sk-proj-abc${'Q'.repeat(150)}xyz`;
    expect(maskSecret(key)).toBe('sk-proj-abc...xyz');
  });

  it('never shows more than a quarter of the value', () => {
    for (let length = 12; length <= 80; length += 1) {
      const value = 'k'.repeat(length);
      const shown = maskSecret(value).replace('...', '').length;
      expect(shown, `length ${length}`).toBeLessThanOrEqual(length / 4);
      expect(shown).toBeGreaterThan(0);
    }
    expect(maskSecret('sk-proj-1234567890abcdef')).toBe('sk-pro...');
  });

  it('masks short values completely, without revealing their length', () => {
    expect(maskSecret('hunter2')).toBe(FULL_MASK);
    expect(maskSecret('12345678901')).toBe(FULL_MASK);
    expect(maskSecret('')).toBe(FULL_MASK);
  });

  it('does not split characters outside the BMP', () => {
    const masked = maskSecret('🔑'.repeat(40));
    expect(masked).toBe(`${'🔑'.repeat(7)}...${'🔑'.repeat(3)}`);
  });
});

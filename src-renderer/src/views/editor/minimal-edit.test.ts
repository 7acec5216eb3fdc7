import { describe, expect, it } from 'vitest';
import { minimalEdit } from './minimal-edit';

function apply(before: string, after: string): string {
  const edit = minimalEdit(before, after);
  return edit ? before.slice(0, edit.start) + edit.text + before.slice(edit.end) : before;
}

describe('minimalEdit', () => {
  it('replaces only the part that differs', () => {
    expect(minimalEdit('name: a_agent\nx: 1\n', 'name: b_agent\nx: 1\n')).toEqual({ start: 6, end: 7, text: 'b' });
    expect(minimalEdit('a: 1\n', 'a: 1\nb: 2\n')).toEqual({ start: 5, end: 5, text: 'b: 2\n' });
    expect(minimalEdit('a: 1\nb: 2\n', 'a: 1\n')).toEqual({ start: 5, end: 10, text: '' });
  });

  it('is undefined for equal texts and round-trips overlapping repeats', () => {
    expect(minimalEdit('same', 'same')).toBeUndefined();
    const pairs: [string, string][] = [['aaa', 'aa'], ['abab', 'ab'], ['', 'x'], ['x', ''], ['tools: [a]\n', 'tools: [ a, b ]\n']];
    for (const [before, after] of pairs) {
      expect(apply(before, after)).toBe(after);
    }
  });
});

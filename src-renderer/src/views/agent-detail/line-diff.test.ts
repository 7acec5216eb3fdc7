import { describe, expect, it } from 'vitest';
import { diffLines } from './line-diff';

const render = (before: string, after: string): string[] => diffLines(before, after).map((line) => `${line.kind === 'same' ? ' ' : line.kind === 'added' ? '+' : '-'}${line.text}`);

describe('diffLines', () => {
  it('marks a changed value as one removal and one addition between common lines', () => {
    const before = 'agent:\n  name: bot\n  version: 1\nmodel: a\n';
    const after = 'agent:\n  name: bot\n  version: 2\nmodel: a\n';
    expect(render(before, after)).toEqual([' agent:', '   name: bot', '-  version: 1', '+  version: 2', ' model: a']);
  });

  it('handles insertions, deletions and moves with correct line numbers', () => {
    const lines = diffLines('a\nb\nc\nd', 'a\nc\nx\nd\ne');
    expect(lines.map((l) => [l.kind, l.text, l.oldLine ?? null, l.newLine ?? null])).toEqual([
      ['same', 'a', 1, 1],
      ['removed', 'b', 2, null],
      ['same', 'c', 3, 2],
      ['added', 'x', null, 3],
      ['same', 'd', 4, 4],
      ['added', 'e', null, 5],
    ]);
  });

  it('treats identical, empty and CRLF texts sensibly', () => {
    expect(render('a\nb', 'a\r\nb\r\n')).toEqual([' a', ' b']);
    expect(render('', 'x')).toEqual(['+x']);
    expect(render('x', '')).toEqual(['-x']);
    expect(diffLines('', '')).toEqual([]);
  });
});

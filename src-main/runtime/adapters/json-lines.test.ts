import { describe, expect, it } from 'vitest';
import { LineSplitter } from './json-lines';

function splitter(max?: number) {
  const lines: string[] = [];
  const oversized: number[] = [];
  const instance = new LineSplitter({ line: (text) => lines.push(text), oversized: (bytes) => oversized.push(bytes) }, max);
  return { instance, lines, oversized };
}

describe('LineSplitter', () => {
  it('joins partial lines across chunks and splits several lines in one chunk', () => {
    const { instance, lines } = splitter();
    instance.push(Buffer.from('{"a":'));
    instance.push(Buffer.from('1}\n{"b":2}\n{"c"'));
    instance.push(Buffer.from(':3}\n'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('decodes a UTF-8 character split between two chunks', () => {
    const { instance, lines } = splitter();
    const bytes = Buffer.from('{"t":"€"}\n');
    instance.push(bytes.subarray(0, 7));
    instance.push(bytes.subarray(7));
    expect(lines).toEqual(['{"t":"€"}']);
  });

  it('drops an oversized line whole and carries on with the next', () => {
    const { instance, lines, oversized } = splitter(10);
    instance.push(Buffer.from('0123456789'));
    instance.push(Buffer.from('abcdef\nok\n'));
    expect(oversized).toEqual([16]);
    expect(lines).toEqual(['ok']);
  });

  it('ignores blank lines, strips CR, and flushes a last line without newline at the end', () => {
    const { instance, lines } = splitter();
    instance.push(Buffer.from('\n\r\none\r\ntwo'));
    expect(lines).toEqual(['one']);
    instance.end();
    expect(lines).toEqual(['one', 'two']);
  });
});

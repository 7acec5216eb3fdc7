import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../contracts';
import { lineTime, LogRing } from './log-ring';

const line = (text: string): LogLine => ({ replica: 'replica-0', stream: 'stdout', time: '2030-01-01T00:00:00.000Z', line: text });

describe('LogRing', () => {
  it('keeps the newest lines up to its capacity, oldest first', () => {
    const ring = new LogRing(3);
    for (const text of ['a', 'b', 'c', 'd', 'e']) ring.push(line(text));
    expect(ring.tail().map((entry) => entry.line)).toEqual(['c', 'd', 'e']);
    expect(ring.tail(2).map((entry) => entry.line)).toEqual(['d', 'e']);
    expect(ring.tail(0)).toEqual([]);
  });

  it('delivers new lines to followers until they dispose, even when one throws', () => {
    const ring = new LogRing(10);
    const seen: string[] = [];
    ring.follow(() => {
      throw new Error('bad subscriber');
    });
    const follower = ring.follow((entry) => seen.push(entry.line));
    ring.push(line('one'));
    follower.dispose();
    ring.push(line('two'));
    expect(seen).toEqual(['one']);
  });
});

describe('lineTime', () => {
  const now = () => new Date('2031-02-03T04:05:06.000Z');
  it('takes the runtime’s own time from a JSON log line', () => {
    expect(lineTime('{"time":"2030-05-06T07:08:09.010Z","msg":"x"}', now)).toBe('2030-05-06T07:08:09.010Z');
  });
  it('uses the read time for anything else', () => {
    expect(lineTime('plain text', now)).toBe('2031-02-03T04:05:06.000Z');
    expect(lineTime('{"msg":"no time"}', now)).toBe('2031-02-03T04:05:06.000Z');
    expect(lineTime('{broken', now)).toBe('2031-02-03T04:05:06.000Z');
  });
});

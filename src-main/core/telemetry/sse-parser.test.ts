import { describe, expect, it } from 'vitest';
import { formatSseEvent } from '../../runtime/telemetry/sse';
import { SseParser } from './sse-parser';
import type { SseFrame } from './sse-parser';

function parseAll(chunks: readonly string[]): { frames: SseFrame[]; retries: number[]; comments: string[] } {
  const frames: SseFrame[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = new SseParser({ onFrame: (frame) => frames.push(frame), onRetry: (ms) => retries.push(ms), onComment: (text) => comments.push(text) });
  for (const chunk of chunks) parser.feed(chunk);
  return { frames, retries, comments };
}

describe('SseParser', () => {
  // What the runtime writes: the retry line, events with ids, a heartbeat, a reset without id.
  const stream =
    'retry: 3000\n\n' +
    formatSseEvent('run_end', { id: 1, type: 'run_end', data: { text: 'a\nb' } }, 1) +
    ': heartbeat\n\n' +
    formatSseEvent('reset', { requestedId: 9, lastId: 2 }) +
    formatSseEvent('log', 'line one\r\nline two', 2);

  const expected: SseFrame[] = [
    { id: '1', event: 'run_end', data: JSON.stringify({ id: 1, type: 'run_end', data: { text: 'a\nb' } }) },
    { event: 'reset', data: JSON.stringify({ requestedId: 9, lastId: 2 }) },
    { id: '2', event: 'log', data: 'line one\nline two' },
  ];

  it('reads the runtime frames, the retry line and heartbeats', () => {
    const { frames, retries, comments } = parseAll([stream]);
    expect(frames).toEqual(expected);
    expect(retries).toEqual([3000]);
    expect(comments).toEqual(['heartbeat']);
  });

  it('gives the same frames however the bytes are split', () => {
    for (let cut = 1; cut < stream.length; cut++) expect(parseAll([stream.slice(0, cut), stream.slice(cut)]).frames).toEqual(expected);
    expect(parseAll([...stream]).frames).toEqual(expected);
  });

  it('accepts CRLF and CR line ends, also when a CRLF is split between chunks', () => {
    expect(parseAll(['id: 5\r\nevent: x\r', '\ndata: {}\r\n\r\n', 'data: y\r\r']).frames).toEqual([
      { id: '5', event: 'x', data: '{}' },
      { event: 'message', data: 'y' },
    ]);
  });

  it('does not dispatch frames without data, and does not carry an id into the next frame', () => {
    expect(parseAll(['id: 7\nevent: nothing\n\n', 'data: later\n\n']).frames).toEqual([{ event: 'message', data: 'later' }]);
  });

  it('refuses a line that never ends past the limit', () => {
    const parser = new SseParser({ onFrame: () => undefined }, 100);
    expect(() => parser.feed(`data: ${'x'.repeat(200)}`)).toThrow(/longer than 100/);
  });
});

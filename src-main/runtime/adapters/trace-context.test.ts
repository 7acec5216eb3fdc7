import { describe, expect, it } from 'vitest';
import { currentTraceId, isUnderBaseUrl, runWithTraceId } from './trace-context';

describe('isUnderBaseUrl', () => {
  const base = { origin: 'http://127.0.0.1:4000', path: '/v1' };
  it('matches the proxy path and below, on segment boundaries, on the same origin only', () => {
    expect(isUnderBaseUrl('http://127.0.0.1:4000/v1', base)).toBe(true);
    expect(isUnderBaseUrl('http://127.0.0.1:4000/v1/chat/completions?x=1', base)).toBe(true);
    expect(isUnderBaseUrl('http://127.0.0.1:4000/v1x/chat', base)).toBe(false);
    expect(isUnderBaseUrl('http://127.0.0.1:4001/v1/chat', base)).toBe(false);
    expect(isUnderBaseUrl('https://api.openai.com/v1/chat', base)).toBe(false);
    expect(isUnderBaseUrl('not a url', base)).toBe(false);
    expect(isUnderBaseUrl('http://127.0.0.1:4000/anything', { origin: base.origin, path: '/' })).toBe(true);
  });
});

describe('runWithTraceId', () => {
  it('keeps the trace id across awaits of the run, and only inside it', async () => {
    const seen = await runWithTraceId('trace-1', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentTraceId();
    });
    expect(seen).toBe('trace-1');
    expect(currentTraceId()).toBeUndefined();
  });
});

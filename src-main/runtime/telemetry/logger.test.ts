import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contracts';
import { EventBus } from './event-bus';
import { JsonLogger, parseLogLevel } from './logger';
import { isSecretKey, redactFields } from './redact';

function capture(): { lines: () => Array<Record<string, unknown>>; raw: () => string; write: (chunk: string) => boolean } {
  let text = '';
  return {
    write: (chunk: string) => ((text += chunk), true),
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const SECRETS = ['sk-proj-FAKE-Abc123Def456Ghi789Jkl012', 'hunter2-the-password', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl', 'ak_live_RAWAPIKEY_0123456789', 'lf-secret-value-xyz'];

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, msg, agent, version and trace id', () => {
    const out = capture();
    const logger = new JsonLogger({ agent: 'lead-gen', version: '1.2.0', stream: out, clock: () => Date.UTC(2025, 0, 1) });
    logger.child({ traceId: 't-1' }).info('run finished', { latencyMs: 2140, inputTokens: 1124 });
    expect(out.lines()).toEqual([{ time: '2025-01-01T00:00:00.000Z', level: 'info', msg: 'run finished', agent: 'lead-gen', version: '1.2.0', traceId: 't-1', latencyMs: 2140, inputTokens: 1124 }]);
  });

  it('filters by level, and a level change reaches existing children', () => {
    const out = capture();
    const logger = new JsonLogger({ agent: 'a', version: '1', stream: out, level: parseLogLevel('warn') });
    const child = logger.child({ traceId: 't' });
    child.info('hidden');
    child.warn('shown');
    logger.level = 'debug';
    child.debug('now shown');
    expect(out.lines().map((line) => line.msg)).toEqual(['shown', 'now shown']);
    expect(parseLogLevel('verbose')).toBe('info');
  });

  it('lets no secret survive: secret-named keys at any depth, and secret-shaped values anywhere', () => {
    const out = capture();
    const logger = new JsonLogger({ agent: 'a', version: '1', stream: out });
    logger.error(`provider said 401 for ${SECRETS[2]}`, {
      headers: { authorization: SECRETS[2], 'x-api-key': SECRETS[3], 'content-type': 'application/json' },
      config: { langfuse: { secret_key: SECRETS[4], public_key: 'pk-lf-public' }, openaiApiKey: SECRETS[0] },
      password: SECRETS[1],
      nested: [{ accessToken: 'opaque-token-value' }, `key in text: ${SECRETS[0]}`],
      error: new Error(`upstream echoed ${SECRETS[0]}`),
      inputTokens: 12,
    });
    const raw = out.raw();
    for (const secret of [...SECRETS, 'opaque-token-value', 'eyJhbGciOiJIUzI1NiJ9']) expect(raw).not.toContain(secret);
    const [line] = out.lines();
    expect(line).toMatchObject({ headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'application/json' }, password: '[redacted]', inputTokens: 12 });
  });

  it('truncates long values', () => {
    const out = capture();
    new JsonLogger({ agent: 'a', version: '1', stream: out, maxValueChars: 10 }).info('x', { body: 'y'.repeat(1000) });
    expect(out.lines()[0]?.body).toBe('yyyyyyyyyy…[truncated 990 chars]');
  });

  it('keeps its own keys: a field cannot forge level, msg or traceId', () => {
    const out = capture();
    new JsonLogger({ agent: 'a', version: '1', stream: out }).child({ traceId: 'real' }).warn('m', { level: 'debug', traceId: 'forged', msg: 'forged' });
    expect(out.lines()[0]).toMatchObject({ level: 'warn', msg: 'm', traceId: 'real', field_level: 'debug', field_traceId: 'forged', field_msg: 'forged' });
  });

  it('emits warn and error lines as redacted log events for the console tail', () => {
    const bus = new EventBus({ agent: 'a', version: '1' });
    const events: TelemetryEvent[] = [];
    bus.subscribe((event) => events.push(event));
    const logger = new JsonLogger({ agent: 'a', version: '1', stream: capture(), events: bus }).child({ traceId: 't-9' });
    logger.info('not an event');
    logger.warn('slow tool', { tool: 'search', token: SECRETS[0] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'log', traceId: 't-9', data: { level: 'warn', msg: 'slow tool', tool: 'search', token: '[redacted]' } });
  });

  it('never throws: not for a broken stream, a cycle or a BigInt', () => {
    const logger = new JsonLogger({
      agent: 'a',
      version: '1',
      stream: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => logger.error('x', { cycle, big: 10n })).not.toThrow();
    const out = capture();
    new JsonLogger({ agent: 'a', version: '1', stream: out }).info('x', { cycle, big: 10n });
    expect(out.lines()[0]).toMatchObject({ cycle: { self: '[circular]' }, big: '10' });
  });
});

describe('isSecretKey', () => {
  it('matches credential names but not token counts', () => {
    for (const key of ['authorization', 'Authorization', 'x-api-key', 'api_key', 'OPENAI_API_KEY', 'secret', 'secret_key', 'password', 'accessToken', 'refresh_token', 'cookie', 'jwt']) expect(isSecretKey(key), key).toBe(true);
    for (const key of ['inputTokens', 'tokens_out', 'max_tokens', 'tokenizer', 'author', 'keyId', 'costUsd', 'authorizeTool']) expect(isSecretKey(key), key).toBe(false);
  });

  it('redactFields leaves the input untouched', () => {
    const input = { password: 'p', ok: 'v' };
    expect(redactFields(input)).toEqual({ password: '[redacted]', ok: 'v' });
    expect(input.password).toBe('p');
  });
});

describe('a log reader that goes away', () => {
  it('does not crash the runtime when the stream errors (EPIPE)', async () => {
    const { Writable } = await import('node:stream');
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const logger = new JsonLogger({ agent: 'a', version: 'v', stream: broken });
    logger.info('first');
    logger.info('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(broken.listenerCount('error')).toBe(1);
  });
});

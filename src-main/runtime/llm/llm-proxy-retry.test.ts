import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIError } from 'openai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AGENT_TOKEN, harnessPerTest } from './test-support';
import type { Harness } from './test-support';
import { backoffMs, DEFAULT_RETRY_POLICY, retryAfterMs } from './upstream';

const harness = harnessPerTest();

const openai = (h: Harness, maxRetries = 0): OpenAI => new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: AGENT_TOKEN, maxRetries });
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello.' }] };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('LLM proxy retries', () => {
  it('retries a transient 503 with exponential backoff, then succeeds', async () => {
    const h = await harness({ simulator: { failures: { onRequests: [1, 2] } } });
    const completion = await openai(h).chat.completions.create(request);
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(h.simulator.log.map((entry) => entry.status)).toEqual([503, 503, 200]);
    // random() is 0 in the harness, so there is no jitter: 500 ms, then 1000 ms.
    expect(h.sleeps).toEqual([500, 1000]);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ status: 'ok', attempts: 3 });
  });

  it('waits exactly what Retry-After asks on a 429', async () => {
    let now = 1_000_000;
    const h = await harness({
      simulator: { rateLimit: { requestsPerMinute: 1 }, now: () => now },
      proxy: {
        retry: { maxRetryAfterMs: 120_000 },
        sleep: async (ms) => {
          h.sleeps.push(ms);
          now += ms;
        },
      },
    });
    now += 15_000;
    await openai(h).chat.completions.create(request);
    await openai(h).chat.completions.create(request);
    const limited = h.simulator.log.find((entry) => entry.status === 429);
    expect(limited?.retryAfterMs).toBe(60_000);
    expect(h.sleeps).toEqual([60_000]);
    expect(h.simulator.log.map((entry) => entry.status)).toEqual([200, 429, 200]);
  });

  it('passes a 429 through when its Retry-After is longer than worth waiting', async () => {
    const h = await harness({ simulator: { failures: { onRequests: [1], status: 429, retryAfterMs: 90_000 } } });
    const error = await openai(h)
      .chat.completions.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).headers?.get('retry-after')).toBe('90');
    expect(h.sleeps).toEqual([]);
  });

  it('stops the SDK from multiplying retries once the proxy has retried', async () => {
    const h = await harness({ simulator: { failures: { rate: 1 } } });
    const error = await openai(h, 2)
      .chat.completions.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(h.simulator.requests).toBe(1 + DEFAULT_RETRY_POLICY.maxRetries);
    expect(h.budget.snapshot()).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
  });

  it('answers 502 in the provider format when the provider cannot be reached', async () => {
    const port = await closedPort();
    const h = await harness({ proxy: { provider: { mode: 'forward', openaiBaseUrl: `http://127.0.0.1:${port}/v1`, anthropicBaseUrl: `http://127.0.0.1:${port}` } } });
    const error = await openai(h, 2)
      .chat.completions.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as APIError).status).toBe(502);
    expect((error as Error).message).toContain(`could not reach OpenAI at 127.0.0.1:${port} after 3 attempt(s)`);
    expect(h.sleeps).toHaveLength(2);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ status: 'error', httpStatus: 502, costUsd: 0 });
  });
});

describe('retry timing', () => {
  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250.5', 'retry-after': '9' }))).toBe(250.5);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' }), Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('doubles the backoff up to its cap and jitters downward by at most a quarter', () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffMs(retry, DEFAULT_RETRY_POLICY, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffMs(0, DEFAULT_RETRY_POLICY, () => 0.999_999)).toBe(375);
  });
});

import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { costUsd, PRICE_TABLE } from '../../../src-shared/pricing/price-table';
import { TRACE_HEADER } from '../contracts';
import { keyFingerprint } from './simulated-provider';
import { AGENT_TOKEN, harnessPerTest } from './test-support';
import type { Harness } from './test-support';

const harness = harnessPerTest();

function client(h: Harness, options: { traceId?: string; apiKey?: string } = {}): Anthropic {
  return new Anthropic({
    baseURL: h.server.url,
    apiKey: options.apiKey ?? AGENT_TOKEN,
    maxRetries: 0,
    defaultHeaders: options.traceId ? { [TRACE_HEADER]: options.traceId } : {},
  });
}

const request = { model: 'claude-haiku-4-5', max_tokens: 200, messages: [{ role: 'user' as const, content: 'Write one line about budgets.' }] };
const haiku = PRICE_TABLE['claude-haiku-4-5']!;

describe('LLM proxy with the official Anthropic SDK', () => {
  it('meters a message exactly and prices it from the table', async () => {
    const h = await harness();
    const message = await client(h, { traceId: 'run-7' }).messages.create(request);
    const served = h.simulator.log[0]!;
    expect(message.usage).toMatchObject({ input_tokens: served.inputTokens, output_tokens: served.outputTokens });
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call).toMatchObject({
      traceId: 'run-7',
      data: {
        provider: 'anthropic',
        usage: { inputTokens: served.inputTokens, outputTokens: served.outputTokens },
        costUsd: costUsd({ inputTokens: served.inputTokens, outputTokens: served.outputTokens }, haiku),
        simulated: true,
        estimated: false,
      },
    });
  });

  it('meters a stream from message_start and the last cumulative message_delta', async () => {
    const h = await harness({ simulator: { outputTokens: 40 } });
    const final = await client(h).messages.stream(request).finalMessage();
    const served = h.simulator.log[0]!;
    expect(final.usage.output_tokens).toBe(40);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    // message_start reports output_tokens: 1 and message_delta the cumulative 40: 41 would be the double count.
    expect(call.data).toMatchObject({ stream: true, estimated: false, usage: { inputTokens: served.inputTokens, outputTokens: 40 } });
  });

  it('sets x-api-key and anthropic-version itself, with the rotated key, never the agent key', async () => {
    const h = await harness();
    await client(h).messages.create(request);
    h.keys.anthropic = 'sk-ant-rotated';
    await client(h).messages.create(request);
    expect(h.simulator.log.map((entry) => [entry.status, entry.keyFingerprint])).toEqual([
      [200, keyFingerprint('sk-ant-real-1')],
      [200, keyFingerprint('sk-ant-rotated')],
    ]);
  });

  it('bills an abandoned stream with exact input and estimated output', async () => {
    const h = await harness({ simulator: { outputTokens: 400, latencyMs: { first: 0, perToken: 20 } } });
    const stream = client(h).messages.stream(request);
    let received = '';
    await new Promise<void>((resolve) => {
      stream.on('text', (text) => {
        received += text;
        if (received.length > 40) {
          stream.abort();
          resolve();
        }
      });
    });
    await stream.done().catch(() => undefined);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    const served = h.simulator.log[0]!;
    expect(call.data).toMatchObject({ status: 'aborted', estimated: true });
    const usage = call.data.usage as { inputTokens: number; outputTokens: number };
    expect(usage.inputTokens).toBe(served.inputTokens);
    expect(usage.outputTokens).toBeGreaterThanOrEqual(Math.ceil(received.length / 4));
    expect(usage.outputTokens).toBeLessThan(400);
  });

  it('raises the broken-off stream in the SDK as an API error', async () => {
    const h = await harness({ simulator: { outputTokens: 30, failures: { breakStreamOnRequests: [1] } } });
    await expect(client(h).messages.stream(request).finalMessage()).rejects.toThrow(/stream broke off/);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ status: 'aborted', usage: { inputTokens: h.simulator.log[0]!.inputTokens } });
  });

  it('passes a provider error through with its status and body', async () => {
    const h = await harness({ simulator: { failures: { onRequests: [1], status: 418 } } });
    const error = await client(h)
      .messages.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(418);
    expect((error as Error).message).toContain('simulated provider failure');
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ status: 'error', httpStatus: 418, costUsd: 0 });
    expect(h.budget.snapshot()).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
  });
});

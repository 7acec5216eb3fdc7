import type { APIError } from 'openai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { costUsd, PRICE_TABLE } from '../../../src-shared/pricing/price-table';
import { TRACE_HEADER } from '../contracts';
import { keyFingerprint } from './simulated-provider';
import { AGENT_TOKEN, harnessPerTest } from './test-support';
import type { Harness } from './test-support';

const harness = harnessPerTest();

function client(h: Harness, options: { traceId?: string; apiKey?: string } = {}): OpenAI {
  return new OpenAI({
    baseURL: `${h.server.url}/v1`,
    apiKey: options.apiKey ?? AGENT_TOKEN,
    maxRetries: 0,
    defaultHeaders: options.traceId ? { [TRACE_HEADER]: options.traceId } : {},
  });
}

const messages = [{ role: 'user' as const, content: 'Summarise the quarterly numbers, please.' }];

describe('LLM proxy with the official OpenAI SDK', () => {
  it('meters a completion exactly from the provider usage and prices it from the table', async () => {
    const h = await harness();
    const completion = await client(h, { traceId: 'run-42' }).chat.completions.create({ model: 'gpt-4o-mini', messages });
    const served = h.simulator.log[0]!;
    expect(completion.usage).toMatchObject({ prompt_tokens: served.inputTokens, completion_tokens: served.outputTokens });
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    const expected = costUsd({ inputTokens: served.inputTokens, outputTokens: served.outputTokens }, PRICE_TABLE['gpt-4o-mini']!);
    expect(call).toMatchObject({
      traceId: 'run-42',
      data: { provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: served.inputTokens, outputTokens: served.outputTokens }, costUsd: expected, stream: false, simulated: true, status: 'ok', estimated: false },
    });
    expect(h.budget.snapshot()).toMatchObject({ spentUsd: expected, reservedUsd: 0 });
    expect(h.proxy.ledger.forTrace('run-42')).toEqual({ requests: 1, inputTokens: served.inputTokens, outputTokens: served.outputTokens, costUsd: expected });
    expect(h.metrics.counter('agentdock_llm_tokens_total', { direction: 'output', model: 'gpt-4o-mini' })).toBe(served.outputTokens);
    expect(h.metrics.counter('agentdock_llm_cost_usd_total', { model: 'gpt-4o-mini' })).toBe(expected);
    expect(h.metrics.counter('agentdock_llm_requests_total', { model: 'gpt-4o-mini', status: 'ok' })).toBe(1);
    expect(h.metrics.observations.get('agentdock_llm_request_duration_seconds{model=gpt-4o-mini}')).toHaveLength(1);
  });

  it('meters a stream exactly, asking upstream for usage the client did not request, and hides it', async () => {
    const h = await harness();
    const stream = await client(h).chat.completions.create({ model: 'gpt-4o-2024-08-06', messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && !chunk.usage)).toBe(true);
    const served = h.simulator.log[0]!;
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      priceKey: 'gpt-4o',
      stream: true,
      estimated: false,
      usage: { inputTokens: served.inputTokens, outputTokens: served.outputTokens },
      costUsd: costUsd({ inputTokens: served.inputTokens, outputTokens: served.outputTokens }, PRICE_TABLE['gpt-4o']!),
    });
    // The dated snapshot adds up under its family in the per-model breakdown.
    expect(Object.keys(h.proxy.ledger.byModel())).toEqual(['gpt-4o']);
    expect(h.proxy.ledger.total().costUsd).toBe(call.data.costUsd);
  });

  it('passes the usage chunk to a client that asked for it', async () => {
    const h = await harness();
    const stream = await client(h).chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage).toMatchObject({ prompt_tokens: h.simulator.log[0]!.inputTokens, completion_tokens: h.simulator.log[0]!.outputTokens });
  });

  it('sends the real key, read per request, and never the agent key', async () => {
    const h = await harness();
    await client(h).chat.completions.create({ model: 'gpt-4o-mini', messages });
    h.keys.openai = 'sk-real-openai-rotated';
    await client(h).chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(h.simulator.log.map((entry) => entry.keyFingerprint)).toEqual([keyFingerprint('sk-real-openai-1'), keyFingerprint('sk-real-openai-rotated')]);
    expect(h.simulator.log.every((entry) => entry.keyFingerprint !== keyFingerprint(AGENT_TOKEN))).toBe(true);
  });

  it('refuses a caller without the agent token before anything is sent upstream', async () => {
    const h = await harness();
    const error = await client(h, { apiKey: 'sk-someone-else' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).code).toBe('invalid_api_key');
    expect(h.simulator.requests).toBe(0);
  });

  it('refuses a model it cannot price with an error naming the model and the fix', async () => {
    const h = await harness();
    const error = await client(h)
      .chat.completions.create({ model: 'mystery-model-7b', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('no price is known for model "mystery-model-7b"');
    expect((error as Error).message).toContain('"prices": {"mystery-model-7b": {"input"');
    expect(h.simulator.requests).toBe(0);
  });

  it('prices an unknown model once an override gives it a price', async () => {
    const h = await harness({ proxy: { prices: { 'mystery-model-7b': { input: 1, output: 2 } } } });
    const completion = await client(h).chat.completions.create({ model: 'mystery-model-7b', messages });
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data.costUsd).toBe(costUsd({ inputTokens: completion.usage!.prompt_tokens, outputTokens: completion.usage!.completion_tokens }, { input: 1, output: 2 }));
  });

  it('bills a stream the client abandons for what was streamed', async () => {
    const h = await harness({ simulator: { outputTokens: 400, latencyMs: { first: 0, perToken: 20 } } });
    const stream = await client(h, { traceId: 'run-abort' }).chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let received = '';
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? '';
      if (received.length > 40) break;
    }
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ status: 'aborted', estimated: true, stream: true });
    const usage = call.data.usage as { inputTokens: number; outputTokens: number };
    expect(usage.outputTokens).toBeGreaterThanOrEqual(Math.ceil(received.length / 4));
    expect(usage.outputTokens).toBeLessThan(400);
    expect(call.data.costUsd).toBeGreaterThan(0);
    expect(h.budget.snapshot()).toMatchObject({ spentUsd: call.data.costUsd, reservedUsd: 0 });
  });

  it('ends a stream the provider breaks off with an error the SDK raises, and bills it', async () => {
    const h = await harness({ simulator: { outputTokens: 30, failures: { breakStreamOnRequests: [1] } } });
    const stream = await client(h).chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) void chunk;
    };
    await expect(consume()).rejects.toThrow(/stream broke off/);
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ status: 'aborted', estimated: true });
    expect((call.data.usage as { outputTokens: number }).outputTokens).toBeGreaterThan(0);
  });
});

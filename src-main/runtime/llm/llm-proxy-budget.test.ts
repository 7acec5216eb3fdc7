import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { APIError } from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { PRICE_TABLE } from '../../../src-shared/pricing/price-table';
import { worstCaseUsd } from './llm-proxy';
import { AGENT_TOKEN, harnessPerTest } from './test-support';
import type { Harness } from './test-support';
import { estimateInputTokens } from './token-estimate';

const harness = harnessPerTest();

const openai = (h: Harness): OpenAI => new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: AGENT_TOKEN, maxRetries: 0 });
const request = { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user' as const, content: 'Score lead number 85 for fit.' }] };

describe('LLM proxy budget enforcement', () => {
  it('warns once at 90% and stops with an error the SDK surfaces, never overspending', async () => {
    const h = await harness({ simulator: { outputTokens: 10 } });
    await openai(h).chat.completions.create(request);
    const perCall = h.budget.snapshot().spentUsd;
    h.budget.setLimit(perCall * 10);
    let succeeded = 1;
    let failure: unknown;
    while (succeeded < 20 && failure === undefined) {
      try {
        await openai(h).chat.completions.create(request);
        succeeded += 1;
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const error = failure as APIError;
    expect(error.status).toBe(402);
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toMatch(/LLM budget (exceeded|exhausted).*raise the budget to continue/);
    const budgetEvents = h.events.ofType('budget').map((event) => event.data.level);
    expect(budgetEvents.filter((level) => level === 'warning')).toHaveLength(1);
    expect(budgetEvents.indexOf('warning')).toBeLessThan(budgetEvents.indexOf('blocked'));
    expect(succeeded).toBeGreaterThanOrEqual(9);
    expect(h.budget.snapshot().spentUsd).toBeLessThanOrEqual(perCall * 10);
    // The refused call never reached the provider.
    expect(h.simulator.requests).toBe(succeeded);
    expect(h.metrics.counter('agentdock_llm_requests_total', { model: 'gpt-4o', status: 'rejected' })).toBe(1);
  });

  it('reserves before the call, so concurrent calls cannot together overspend', async () => {
    const worst = worstCaseUsd(PRICE_TABLE['gpt-4o']!, estimateInputTokens(request), request.max_tokens);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    const gatedFetch: typeof fetch = async (input, init) => {
      arrived += 1;
      await gate;
      return fetch(input, init);
    };
    const h = await harness({ limitUsd: worst * 3.5, simulator: { outputTokens: 10 }, proxy: { fetchImpl: gatedFetch } });
    const calls = Array.from({ length: 6 }, () => openai(h).chat.completions.create(request).then(() => 'ok', (error: unknown) => error));
    const blocked = (): number => h.events.ofType('budget').filter((event) => event.data.level === 'blocked').length;
    // Hold every admitted call upstream until all six have been admitted or refused.
    await vi.waitFor(() => expect(arrived + blocked()).toBe(6));
    release();
    const results = await Promise.all(calls);
    expect(results.filter((result) => result === 'ok')).toHaveLength(3);
    const refused = results.filter((result): result is APIError => result instanceof APIError);
    expect(refused.map((error) => error.status)).toEqual([402, 402, 402]);
    expect(refused[0]?.message).toContain('reserved by calls in flight');
    expect(h.budget.snapshot()).toMatchObject({ reservedUsd: 0 });
    expect(h.budget.snapshot().spentUsd).toBeLessThanOrEqual(worst * 3.5);
  });

  it('tells the agent to lower max_tokens when the model maximum is what does not fit', async () => {
    const h = await harness({ limitUsd: 0.01 });
    const error = await openai(h)
      .chat.completions.create({ model: 'gpt-4o', messages: request.messages })
      .catch((caught: unknown) => caught);
    // gpt-4o may answer 16384 tokens: $0.16 at $10 per 1M.
    expect((error as Error).message).toContain('this call could cost up to $0.16');
    expect((error as Error).message).toContain('assumes 16384 output tokens, the model\'s maximum — set max_tokens to reserve less');
  });

  it('refuses Anthropic calls at 100% with an error in Anthropic\'s format', async () => {
    const h = await harness({ limitUsd: 0 });
    const client = new Anthropic({ baseURL: h.server.url, apiKey: AGENT_TOKEN, maxRetries: 2 });
    const error = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: request.messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(402);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'budget_exceeded_error' } });
    expect((error as Error).message).toContain('LLM budget exhausted: $0.00 of $0.00 spent');
    // x-should-retry: false kept the SDK from retrying a refusal.
    expect(h.events.ofType('budget').filter((event) => event.data.level === 'blocked')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { agentLlmEnvironment, createAgentToken } from './agent-access';
import { AGENT_TOKEN, harnessPerTest } from './test-support';
import type { Harness } from './test-support';

const harness = harnessPerTest();

async function post(h: Harness, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(h.server.url + path, { method: 'POST', headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

describe('LLM proxy request checks', () => {
  it('rejects a body that is not JSON, in the provider\'s error format, without retry', async () => {
    const h = await harness();
    const openai = await post(h, '/v1/chat/completions', '{not json');
    expect(openai.status).toBe(400);
    expect(openai.headers.get('x-should-retry')).toBe('false');
    expect(openai.headers.get('x-agentdock-error')).toBe('BadRequest');
    expect(openai.json).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('not JSON') as unknown } });
    const anthropic = await post(h, '/v1/messages', JSON.stringify({ model: 'claude-haiku-4-5' }));
    expect(anthropic.status).toBe(400);
    expect(anthropic.json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: '`messages` is required and must be an array' } });
  });

  it('caps the request body', async () => {
    const h = await harness({ proxy: { maxRequestBytes: 1024 } });
    const big = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(2048) }] });
    const response = await post(h, '/v1/chat/completions', big);
    expect(response.status).toBe(413);
    expect(h.simulator.requests).toBe(0);
  });

  it('accepts POST only', async () => {
    const h = await harness();
    const response = await fetch(`${h.server.url}/v1/messages`, { headers: { 'x-api-key': AGENT_TOKEN } });
    expect(response.status).toBe(405);
  });

  it('says which key is missing when the runtime has no provider key', async () => {
    const h = await harness({ proxy: { providerKeys: () => ({}) } });
    const response = await post(h, '/v1/messages', JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [] }));
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ error: { message: "no Anthropic API key is configured for this runtime: add it to the config bundle's secrets" } });
    expect(h.budget.snapshot().reservedUsd).toBe(0);
  });

  it('ignores a trace id that is not a plain token', async () => {
    const h = await harness();
    await post(h, '/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), { 'x-agentdock-trace-id': 'run-1 forged=log line' });
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.traceId).toBeUndefined();
  });
});

describe('agent environment', () => {
  it('points both SDKs at the runtime with the agent token as their key', () => {
    const token = createAgentToken();
    expect(token).toMatch(/^agentdock-[\w-]{43}$/);
    expect(agentLlmEnvironment('http://127.0.0.1:8080/', token)).toEqual({
      OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8080',
      LLM_API_BASE_URL: 'http://127.0.0.1:8080/v1',
      OPENAI_API_KEY: token,
      ANTHROPIC_API_KEY: token,
    });
  });
});

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Budget } from './budget';
import { LlmProxy } from './llm-proxy';
import { keyFingerprint, startSimulatedProvider } from './simulated-provider';
import type { SimulatedProvider, SimulatedProviderOptions } from './simulated-provider';
import { countSimulatedTokens, generateText, seededRandom, splitIntoTokenPieces } from './simulated-text';
import { serveProxy } from './serve-proxy';
import type { RunningProxy } from './serve-proxy';
import { RecordingEvents, RecordingMetrics } from './test-support';

const running: Array<SimulatedProvider | RunningProxy> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function simulator(options: SimulatedProviderOptions = {}): Promise<SimulatedProvider> {
  const started = await startSimulatedProvider(options);
  running.push(started);
  return started;
}

const messages = [{ role: 'user' as const, content: 'Name three colours.' }];

describe('simulated provider text', () => {
  it('counts word runs and punctuation marks as tokens', () => {
    expect(countSimulatedTokens('Hello, world.')).toBe(4);
    expect(countSimulatedTokens('bob@example.com')).toBe(5);
    expect(countSimulatedTokens('  ')).toBe(0);
  });

  it('generates exactly the asked number of tokens, split into one delta per token', () => {
    for (const tokens of [1, 2, 7, 48]) {
      const text = generateText(tokens, seededRandom(tokens));
      expect(countSimulatedTokens(text)).toBe(tokens);
      expect(splitIntoTokenPieces(text)).toHaveLength(tokens);
      expect(splitIntoTokenPieces(text).join('')).toBe(text);
    }
  });
});

describe('simulated provider server', () => {
  it('answers the same request with the same text for the same seed, and differently for another', async () => {
    const first = await simulator({ seed: 7 });
    const second = await simulator({ seed: 7 });
    const other = await simulator({ seed: 8 });
    const ask = async (sim: SimulatedProvider): Promise<string | null> =>
      (await new OpenAI({ baseURL: sim.openaiBaseUrl, apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages })).choices[0]!.message.content;
    const answer = await ask(first);
    expect(await ask(second)).toBe(answer);
    expect(await ask(first)).toBe(answer);
    expect(await ask(other)).not.toBe(answer);
  });

  it('marks every answer as simulated and reports usage by its tokenizer', async () => {
    const sim = await simulator({ outputTokens: 12 });
    const response = await new OpenAI({ baseURL: sim.openaiBaseUrl, apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    expect(response.response.headers.get('x-agentdock-simulated')).toBe('true');
    expect(response.data.system_fingerprint).toBe('agentdock-simulated');
    // "user" + "Name three colours." = 1 + 4 tokens.
    expect(response.data.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 12 });
  });

  it('stops at max_tokens and says so, like the real APIs', async () => {
    const sim = await simulator({ outputTokens: 50 });
    const completion = await new OpenAI({ baseURL: sim.openaiBaseUrl, apiKey: 'k', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages, max_completion_tokens: 5 });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(5);
    const message = await new Anthropic({ baseURL: sim.anthropicBaseUrl, apiKey: 'k', maxRetries: 0 }).messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(5);
  });

  it('requires the credentials and headers the real APIs require', async () => {
    const sim = await simulator();
    const noVersion = await fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k' }, body: JSON.stringify({ model: 'm', max_tokens: 5, messages }) });
    expect(noVersion.status).toBe(400);
    const noKey = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages }) });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ error: { message: 'no API key was sent', type: 'authentication_error', param: null, code: null } });
  });

  it('rate-limits with Retry-After and fails the requests it is told to', async () => {
    const sim = await simulator({ rateLimit: { requestsPerMinute: 1 }, failures: { onRequests: [3], status: 500 }, now: () => 0 });
    const post = (): Promise<Response> => fetch(`${sim.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: JSON.stringify({ model: 'm', messages }) });
    expect((await post()).status).toBe(200);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('retry-after-ms')).toBe('60000');
    expect(sim.requests).toBe(2);
  });

  it('serves the proxy in simulated mode without ever receiving a real key', async () => {
    const sim = await simulator({ outputTokens: 6 });
    const events = new RecordingEvents();
    const proxy = new LlmProxy({
      provider: { mode: 'simulated', openaiBaseUrl: sim.openaiBaseUrl, anthropicBaseUrl: sim.anthropicBaseUrl },
      providerKeys: () => ({ openai: 'sk-real-must-not-leave' }),
      agentToken: null,
      budget: new Budget({ limitUsd: 5 }, events),
      events,
      metrics: new RecordingMetrics(),
    });
    const server = await serveProxy(proxy);
    running.push(server);
    const stream = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'anything', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const chunk of stream) void chunk;
    const call = await events.waitFor((event) => event.type === 'llm_call');
    expect(call.data).toMatchObject({ simulated: true, usage: { outputTokens: 6 } });
    expect(sim.log[0]?.keyFingerprint).toBe(keyFingerprint('agentdock-simulated'));
  });
});

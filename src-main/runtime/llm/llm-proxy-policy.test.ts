import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ToolDecision } from '../contracts';
import { TRACE_HEADER } from '../contracts';
import type { LlmProxyOptions } from './llm-proxy';
import type { StreamRedactor } from './llm-types';
import type { SimulatedReply } from './simulated-provider';
import { AGENT_TOKEN, harnessPerTest } from './test-support';
import type { Harness } from './test-support';

const startHarness = harnessPerTest();

const redactEmails = (text: string): string => text.replace(/[\w.]+@[\w.]+\.\w+/g, '[REDACTED_EMAIL]');
const authorizeTool = (name: string): ToolDecision => (name === 'delete_records' ? { allow: false, reason: 'tool is not allowed by the Dockfile policy' } : { allow: true });
const NOTE = '[agentdock] tool call "delete_records" was denied by policy: tool is not allowed by the Dockfile policy';

async function harness(reply: SimulatedReply, proxy: Partial<LlmProxyOptions> = {}): Promise<Harness> {
  return startHarness({ simulator: { script: () => reply }, proxy: { authorizeTool, redactOutput: redactEmails, ...proxy } });
}

const openai = (h: Harness): OpenAI => new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: AGENT_TOKEN, maxRetries: 0, defaultHeaders: { [TRACE_HEADER]: 'run-policy' } });
const anthropic = (h: Harness): Anthropic => new Anthropic({ baseURL: h.server.url, apiKey: AGENT_TOKEN, maxRetries: 0 });
const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'delete_records', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'search', parameters: { type: 'object' } } },
];
const chat = { model: 'gpt-4o-mini', tools, messages: [{ role: 'user' as const, content: 'Clean up and search.' }] };
const messages = { model: 'claude-haiku-4-5', max_tokens: 300, messages: [{ role: 'user' as const, content: 'Clean up and search.' }] };
const bothCalls: SimulatedReply = { toolCalls: [{ name: 'delete_records', arguments: { table: 'leads' } }, { name: 'search', arguments: { q: 'fit' } }] };

describe('LLM proxy output policy', () => {
  it('removes a denied OpenAI tool call and tells the agent why', async () => {
    const h = await harness(bothCalls);
    const completion = await openai(h).chat.completions.create(chat);
    const choice = completion.choices[0]!;
    expect(choice.message.tool_calls?.map((call) => (call.type === 'function' ? call.function.name : call.type))).toEqual(['search']);
    expect(choice.message.content).toBe(NOTE);
    expect(choice.finish_reason).toBe('tool_calls');
    const policy = await h.events.waitFor((event) => event.type === 'policy');
    expect(policy).toMatchObject({ traceId: 'run-policy', data: { stage: 'llm_output', action: 'denied', tool: 'delete_records' } });
    const call = await h.events.waitFor((event) => event.type === 'llm_call');
    expect(call.data.deniedTools).toEqual(['delete_records']);
  });

  it('removes a denied tool call from a stream the SDK accumulates, finishing with stop when none is left', async () => {
    const h = await harness({ toolCalls: [{ name: 'delete_records', arguments: { table: 'leads' } }] });
    const final = await openai(h).chat.completions.stream(chat).finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.message.tool_calls ?? []).toEqual([]);
    expect(choice.message.content).toBe(NOTE);
    expect(choice.finish_reason).toBe('stop');
  });

  it('keeps the allowed call of a stream at index 0', async () => {
    const h = await harness(bothCalls);
    const final = await openai(h).chat.completions.stream(chat).finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls ?? [];
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: 'function', function: { name: 'search', arguments: '{"q":"fit"}' } });
  });

  it('replaces a denied Anthropic tool_use block by a note, whole and streamed', async () => {
    const h = await harness({ text: 'On it.', ...bothCalls });
    const whole = await anthropic(h).messages.create(messages);
    const streamed = await anthropic(h).messages.stream(messages).finalMessage();
    for (const message of [whole, streamed]) {
      expect(message.content.map((block) => block.type)).toEqual(['text', 'text', 'tool_use']);
      expect(message.content[1]).toMatchObject({ type: 'text', text: NOTE });
      expect(message.content[2]).toMatchObject({ type: 'tool_use', name: 'search', input: { q: 'fit' } });
      expect(message.stop_reason).toBe('tool_use');
    }
  });

  it('ends the Anthropic turn when its only tool call is denied', async () => {
    const h = await harness({ toolCalls: [{ name: 'delete_records', arguments: {} }] });
    const streamed = await anthropic(h).messages.stream(messages).finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: NOTE }]);
    expect(streamed.stop_reason).toBe('end_turn');
  });

  it('redacts model output, whole and streamed, even when the value spans deltas', async () => {
    const reply = { text: 'Send the report to bob.smith@example.com before noon.' };
    const h = await harness(reply);
    const whole = await openai(h).chat.completions.create(chat);
    expect(whole.choices[0]!.message.content).toBe('Send the report to [REDACTED_EMAIL] before noon.');
    const stream = await openai(h).chat.completions.create({ ...chat, stream: true });
    const deltas: string[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('Send the report to [REDACTED_EMAIL] before noon.');
    expect(deltas.join('')).not.toContain('@');
    // Redaction changes what the agent sees, not what was billed: the provider's count stands.
    const calls = h.events.ofType('llm_call');
    expect(calls.map((event) => (event.data.usage as { outputTokens: number }).outputTokens)).toEqual([h.simulator.log[0]!.outputTokens, h.simulator.log[1]!.outputTokens]);
  });

  it('uses the policy engine\'s own streaming redactor when it provides one', async () => {
    const created: string[] = [];
    const createOutputRedactor = (traceId: string | undefined): StreamRedactor => {
      created.push(traceId ?? 'none');
      let buffer = '';
      return {
        push: (text) => {
          buffer += text;
          return '';
        },
        flush: () => redactEmails(buffer),
      };
    };
    const h = await harness({ text: 'Mail ann@corp.io now.' }, { createOutputRedactor });
    const final = await anthropic(h).messages.stream(messages).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Mail [REDACTED_EMAIL] now.' }]);
    expect(created).toEqual(['none']);
  });
});

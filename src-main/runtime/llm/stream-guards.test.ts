import { describe, expect, it } from 'vitest';
import { AnthropicStreamGuard } from './anthropic-stream';
import { bufferedStreamRedactor } from './buffered-stream-redactor';
import type { OutputGuards } from './llm-types';
import { OpenAiStreamGuard } from './openai-stream';
import { formatSse, SseParser } from './sse';
import type { SseEvent } from './sse';

const encoder = new TextEncoder();

function parseAll(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(encoder.encode(text)), ...parser.flush()];
}

/** Feeds events through a guard; returns the parsed JSON of what the client would receive. */
function run(guard: OpenAiStreamGuard | AnthropicStreamGuard, events: string[]): unknown[] {
  const out = events.map((event) => guard.push(parseAll(event)[0]!)).join('') + guard.end();
  return parseAll(out).map((event) => (event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data)));
}

const redactEmails = (text: string): string => text.replace(/[\w.]+@[\w.]+\.\w+/g, '[email]');

describe('SseParser', () => {
  it('reassembles events split anywhere, across CRLF and multi-byte characters', () => {
    const text = 'event: a\r\ndata: {"x":"é"}\r\n\r\n: keep-alive\n\ndata: line1\ndata: line2\n\n';
    const bytes = encoder.encode(text);
    const parser = new SseParser();
    const events: SseEvent[] = [];
    for (const byte of bytes) events.push(...parser.push(Uint8Array.of(byte)));
    events.push(...parser.flush());
    expect(events.map(({ event, data }) => ({ event, data }))).toEqual([
      { event: 'a', data: '{"x":"é"}' },
      { event: undefined, data: '' },
      { event: undefined, data: 'line1\nline2' },
    ]);
    expect(events[0]?.raw).toBe('event: a\ndata: {"x":"é"}\n\n');
  });

  it('returns a last event that lacks its blank line at the end of the stream', () => {
    expect(parseAll('data: [DONE]').map((event) => event.data)).toEqual(['[DONE]']);
  });
});

describe('OpenAiStreamGuard', () => {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string => formatSse(JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices, ...extra }));
  const usageChunk = chunk([], { usage: { prompt_tokens: 11, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 3 } } });

  it('meters the usage chunk and hides it from a client that did not ask for it', () => {
    const guard = new OpenAiStreamGuard(false, {});
    const out = run(guard, [chunk([{ index: 0, delta: { content: 'Hi' }, finish_reason: null }]), chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), usageChunk, 'data: [DONE]\n\n']);
    expect(out).toHaveLength(3);
    expect(out.at(-1)).toBe('[DONE]');
    expect(guard.usage(999)).toEqual({ inputTokens: 11, outputTokens: 7, cacheReadTokens: 3, cacheWriteTokens: 0, estimated: false });
  });

  it('passes the usage chunk through unchanged when the client asked for it', () => {
    const guard = new OpenAiStreamGuard(true, {});
    const out = run(guard, [usageChunk]);
    expect(out).toEqual([{ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 3 } } }]);
  });

  it('estimates output from the streamed text when the stream is cut before its usage', () => {
    const guard = new OpenAiStreamGuard(false, {});
    run(guard, [chunk([{ index: 0, delta: { content: 'abcdefghij' }, finish_reason: null }])]);
    expect(guard.usage(40)).toEqual({ inputTokens: 40, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, estimated: true });
  });

  it('redacts a value split across deltas', () => {
    const guard = new OpenAiStreamGuard(false, { createStreamRedactor: () => bufferedStreamRedactor(redactEmails, 8) });
    const pieces = ['Write to', ' bob', '@', 'example', '.', 'com', ' today', '.'];
    const out = run(guard, [...pieces.map((content) => chunk([{ index: 0, delta: { content }, finish_reason: null }])), chunk([{ index: 0, delta: {}, finish_reason: 'stop' }])]);
    const text = (out as Array<{ choices: Array<{ delta: { content?: string } }> }>).map((item) => item.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Write to [email] today.');
  });

  it('drops a denied tool call, renumbers the rest and notes the denial before finish_reason', () => {
    const guards: OutputGuards = { authorizeTool: (name) => (name === 'drop_table' ? { allow: false, reason: 'not in the allowlist' } : { allow: true }) };
    const guard = new OpenAiStreamGuard(false, guards);
    const call = (index: number, fn: Record<string, unknown>, id?: string): string =>
      chunk([{ index: 0, delta: { tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] }, finish_reason: null }]);
    const out = run(guard, [
      call(0, { name: 'drop_table', arguments: '' }, 'call_a'),
      call(0, { arguments: '{"t":"users"}' }),
      call(1, { name: 'search', arguments: '' }, 'call_b'),
      call(1, { arguments: '{"q":"x"}' }),
      chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
    ]) as Array<{ choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }> }>;
    const toolDeltas = out.flatMap((item) => (item.choices[0]?.delta.tool_calls as unknown[] | undefined) ?? []);
    expect(toolDeltas).toEqual([
      { index: 0, id: 'call_b', type: 'function', function: { name: 'search', arguments: '' } },
      { index: 0, function: { arguments: '{"q":"x"}' } },
    ]);
    expect(out.at(-1)?.choices[0]).toMatchObject({ finish_reason: 'tool_calls', delta: { content: '[agentdock] tool call "drop_table" was denied by policy: not in the allowlist' } });
    expect(guard.denied).toEqual([{ name: 'drop_table', reason: 'not in the allowlist' }]);
  });

  it('turns finish_reason tool_calls into stop when every call was denied', () => {
    const guard = new OpenAiStreamGuard(false, { authorizeTool: () => ({ allow: false, reason: 'no tools' }) });
    const out = run(guard, [
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'shell', arguments: '{}' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
    ]) as Array<{ choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }> }>;
    expect(out[0]?.choices[0]?.delta).toEqual({});
    expect(out[1]?.choices[0]).toMatchObject({ finish_reason: 'stop', delta: { content: '[agentdock] tool call "shell" was denied by policy: no tools' } });
  });
});

describe('AnthropicStreamGuard', () => {
  const event = (type: string, data: Record<string, unknown>): string => formatSse(JSON.stringify({ type, ...data }), type);
  const start = event('message_start', { message: { id: 'm', usage: { input_tokens: 25, output_tokens: 1, cache_read_input_tokens: 100, cache_creation_input_tokens: 10 } } });

  it('takes the last cumulative message_delta count instead of summing', () => {
    const guard = new AnthropicStreamGuard({});
    run(guard, [
      start,
      event('message_delta', { delta: { stop_reason: null }, usage: { output_tokens: 10 } }),
      event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 15 } }),
      event('message_stop', {}),
    ]);
    expect(guard.usage(0)).toEqual({ inputTokens: 135, outputTokens: 15, cacheReadTokens: 100, cacheWriteTokens: 10, estimated: false });
  });

  it('overwrites input counts a message_delta reports (server tools) and keeps the rest', () => {
    const guard = new AnthropicStreamGuard({});
    run(guard, [start, event('message_delta', { delta: {}, usage: { input_tokens: 40, output_tokens: 5 } })]);
    expect(guard.usage(0)).toMatchObject({ inputTokens: 150, outputTokens: 5, cacheReadTokens: 100 });
  });

  it('bills a cut stream with exact input and estimated output', () => {
    const guard = new AnthropicStreamGuard({});
    run(guard, [start, event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'x'.repeat(20) } })]);
    expect(guard.usage(999)).toEqual({ inputTokens: 135, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 10, estimated: true });
  });

  it('replaces a denied tool_use block by a text note at the same index', () => {
    const guard = new AnthropicStreamGuard({ authorizeTool: (name) => (name === 'shell' ? { allow: false, reason: 'blocked' } : { allow: true }) });
    const out = run(guard, [
      start,
      event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 't1', name: 'shell', input: {} } }),
      event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"cmd":"rm"}' } }),
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
    ]);
    expect(out.slice(1)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '[agentdock] tool call "shell" was denied by policy: blocked' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } },
    ]);
  });

  it('flushes held-back redaction text before the block stops', () => {
    const guard = new AnthropicStreamGuard({ createStreamRedactor: () => bufferedStreamRedactor(redactEmails, 64) });
    const out = run(guard, [
      start,
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ...['mail ', 'ann', '@', 'corp', '.io'].map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
      event('content_block_stop', { index: 0 }),
    ]) as Array<{ type: string; delta?: { text?: string } }>;
    expect(out.filter((item) => item.type === 'content_block_delta').map((item) => item.delta?.text)).toEqual(['mail [email]']);
    expect(out.at(-1)?.type).toBe('content_block_stop');
  });
});

/**
 * Meters and guards an Anthropic Messages stream event by event, without buffering it.
 *
 * Usage: `message_start` carries the input counts (uncached, cache read, cache write) and a
 * first output count; every `message_delta` carries *cumulative* counts — the running total of
 * output tokens, and, when server tools ran, updated input counts. Each reported counter
 * therefore replaces the previous one, never adds to it (adding is the double-count bug several
 * gateways shipped). A stream cut before any `message_delta` still has exact input; its output
 * is the larger of the last reported count and chars/4 of what was streamed, flagged estimated.
 *
 * Policy: text deltas go through a streaming redactor per content block, flushed before the
 * block's `content_block_stop`. Thinking blocks are left alone: they are signed, and the API
 * rejects an altered one when the agent sends it back on the next turn. A `tool_use` block is decided at its `content_block_start`; a
 * denied one becomes, at the same index, a text block holding the denial note (so the client's
 * index-based accumulation has no gaps), its `input_json_delta`s are dropped, and `stop_reason`
 * `tool_use` becomes `end_turn` when no tool call is left.
 */
import { anthropicCounters, anthropicUsage } from './anthropic-protocol';
import type { AnthropicCounters } from './anthropic-protocol';
import { deniedToolNote } from './llm-types';
import type { DeniedToolCall, MeteredUsage, OutputGuards, StreamGuard, StreamRedactor } from './llm-types';
import { formatSse } from './sse';
import type { SseEvent } from './sse';
import { estimateTokensFromChars } from './token-estimate';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function send(event: string, data: Json): string {
  return formatSse(JSON.stringify({ type: event, ...data }), event);
}

/** The Anthropic side of the proxy's stream handling. */
export class AnthropicStreamGuard implements StreamGuard {
  readonly denied: DeniedToolCall[] = [];
  private counters: AnthropicCounters = {};
  private sawStart = false;
  private sawDelta = false;
  private outputChars = 0;
  private toolUseAllowed = false;
  private readonly redactors = new Map<number, StreamRedactor>();
  private readonly deniedBlocks = new Set<number>();

  constructor(private readonly guards: OutputGuards) {}

  push(event: SseEvent): string {
    let data: unknown;
    try {
      data = event.data === '' ? undefined : JSON.parse(event.data);
    } catch {
      return event.raw;
    }
    if (!isObject(data)) return event.raw;
    switch (data.type) {
      case 'message_start':
        this.sawStart = true;
        this.counters = { ...anthropicCounters(isObject(data.message) ? data.message.usage : undefined) };
        return event.raw;
      case 'message_delta':
        return this.messageDelta(data, event);
      case 'content_block_start':
        return this.blockStart(data, event);
      case 'content_block_delta':
        return this.blockDelta(data, event);
      case 'content_block_stop':
        return this.blockStop(data, event);
      default:
        return event.raw;
    }
  }

  end(): string {
    let text = '';
    for (const [index, redactor] of this.redactors) {
      const tail = redactor.flush();
      if (tail !== '') text += send('content_block_delta', { index, delta: { type: 'text_delta', text: tail } });
    }
    this.redactors.clear();
    return text;
  }

  usage(estimatedInputTokens: number): MeteredUsage {
    if (!this.sawStart) {
      return { inputTokens: estimatedInputTokens, outputTokens: estimateTokensFromChars(this.outputChars), cacheReadTokens: 0, cacheWriteTokens: 0, estimated: true };
    }
    if (this.sawDelta) return anthropicUsage(this.counters);
    const output = Math.max(this.counters.output ?? 0, estimateTokensFromChars(this.outputChars));
    return anthropicUsage({ ...this.counters, output }, true);
  }

  private messageDelta(data: Json, event: SseEvent): string {
    this.sawDelta = true;
    // Cumulative: overwrite each counter the event reports, keep the others.
    this.counters = { ...this.counters, ...anthropicCounters(data.usage) };
    const delta = isObject(data.delta) ? data.delta : undefined;
    if (delta && this.denied.length > 0 && !this.toolUseAllowed && delta.stop_reason === 'tool_use') {
      delta.stop_reason = 'end_turn';
      return formatSse(JSON.stringify(data), event.event);
    }
    return event.raw;
  }

  private blockStart(data: Json, event: SseEvent): string {
    const index = typeof data.index === 'number' ? data.index : 0;
    const block = isObject(data.content_block) ? data.content_block : {};
    if (block.type === 'text') {
      if (typeof block.text === 'string') this.outputChars += block.text.length;
      const redactor = this.guards.createStreamRedactor?.();
      if (redactor) this.redactors.set(index, redactor);
      return event.raw;
    }
    if (block.type !== 'tool_use' || typeof block.name !== 'string') return event.raw;
    this.outputChars += block.name.length;
    const decision = this.guards.authorizeTool?.(block.name) ?? { allow: true };
    if (decision.allow) {
      this.toolUseAllowed = true;
      return event.raw;
    }
    const denied = { name: block.name, reason: decision.reason };
    this.denied.push(denied);
    this.deniedBlocks.add(index);
    return send('content_block_start', { index, content_block: { type: 'text', text: '' } }) + send('content_block_delta', { index, delta: { type: 'text_delta', text: deniedToolNote(denied) } });
  }

  private blockDelta(data: Json, event: SseEvent): string {
    const index = typeof data.index === 'number' ? data.index : 0;
    const delta = isObject(data.delta) ? data.delta : {};
    for (const field of ['text', 'partial_json', 'thinking']) {
      const value = delta[field];
      if (typeof value === 'string') this.outputChars += value.length;
    }
    if (this.deniedBlocks.has(index)) return '';
    const redactor = this.redactors.get(index);
    if (!redactor || delta.type !== 'text_delta' || typeof delta.text !== 'string') return event.raw;
    const text = redactor.push(delta.text);
    if (text === '') return '';
    return formatSse(JSON.stringify({ ...data, delta: { ...delta, text } }), event.event);
  }

  private blockStop(data: Json, event: SseEvent): string {
    const index = typeof data.index === 'number' ? data.index : 0;
    const redactor = this.redactors.get(index);
    if (!redactor) return event.raw;
    this.redactors.delete(index);
    const tail = redactor.flush();
    return (tail === '' ? '' : send('content_block_delta', { index, delta: { type: 'text_delta', text: tail } })) + event.raw;
  }
}

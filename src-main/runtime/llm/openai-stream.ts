/**
 * Meters and guards an OpenAI chat-completion stream chunk by chunk, without buffering it.
 *
 * Usage arrives once, in a final chunk with empty `choices`, because the proxy always sets
 * `stream_options.include_usage`; that chunk is dropped when the client had not asked for it, so
 * the client sees what it would have seen from OpenAI. A stream cut before that chunk has no
 * usage at all: output is then estimated from the text streamed (chars/4) and flagged.
 *
 * Policy: content deltas go through a streaming redactor per choice; a tool call is decided on
 * its first delta (the one carrying `function.name`), a denied one is dropped from every later
 * delta, the remaining calls are renumbered so the client's index-based accumulation has no gaps,
 * and a note per denial is appended to the content just before the choice's `finish_reason`
 * (`tool_calls` becomes `stop` when no call is left).
 */
import { estimateTokensFromChars } from './token-estimate';
import { openAiToolName, openAiUsage } from './openai-protocol';
import { deniedToolNote } from './llm-types';
import type { DeniedToolCall, MeteredUsage, OutputGuards, StreamGuard, StreamRedactor } from './llm-types';
import { formatSse } from './sse';
import type { SseEvent } from './sse';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ChoiceState {
  redactor?: StreamRedactor;
  finished: boolean;
  wroteContent: boolean;
  /** Upstream tool-call index → the index the client sees, or null when denied. */
  calls: Map<number, number | null>;
  nextCallIndex: number;
  denied: DeniedToolCall[];
}

/** The OpenAI side of the proxy's stream handling. */
export class OpenAiStreamGuard implements StreamGuard {
  readonly denied: DeniedToolCall[] = [];
  private reported: MeteredUsage | undefined;
  private outputChars = 0;
  private readonly choices = new Map<number, ChoiceState>();
  /** Envelope fields of the last chunk, reused for chunks the proxy itself must add. */
  private envelope: Json = { object: 'chat.completion.chunk' };

  constructor(
    private readonly clientWantsUsage: boolean,
    private readonly guards: OutputGuards,
  ) {}

  push(event: SseEvent): string {
    if (event.data === '[DONE]') return this.end() + event.raw;
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return event.raw;
    }
    if (!isObject(chunk) || 'error' in chunk) return event.raw;
    this.envelope = { id: chunk.id, object: chunk.object ?? 'chat.completion.chunk', created: chunk.created, model: chunk.model };
    let modified = false;
    if (isObject(chunk.usage)) {
      this.reported = openAiUsage(chunk.usage) ?? this.reported;
      if (!this.clientWantsUsage) {
        if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return '';
        delete chunk.usage;
        modified = true;
      }
    }
    if (Array.isArray(chunk.choices)) {
      for (const choice of chunk.choices) {
        if (isObject(choice) && this.guardChoice(choice)) modified = true;
      }
    }
    return modified ? formatSse(JSON.stringify(chunk)) : event.raw;
  }

  end(): string {
    const tails: Json[] = [];
    for (const [index, state] of this.choices) {
      if (state.finished) continue;
      state.finished = true;
      const text = this.tail(state);
      if (text !== '') tails.push({ index, delta: { content: text }, finish_reason: null });
    }
    return tails.length === 0 ? '' : formatSse(JSON.stringify({ ...this.envelope, choices: tails }));
  }

  usage(estimatedInputTokens: number): MeteredUsage {
    if (this.reported) return this.reported;
    return { inputTokens: estimatedInputTokens, outputTokens: estimateTokensFromChars(this.outputChars), cacheReadTokens: 0, cacheWriteTokens: 0, estimated: true };
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { finished: false, wroteContent: false, calls: new Map(), nextCallIndex: 0, denied: [] };
      const redactor = this.guards.createStreamRedactor?.();
      if (redactor) state.redactor = redactor;
      this.choices.set(index, state);
    }
    return state;
  }

  /** Guards one choice of a chunk in place; true when it changed. */
  private guardChoice(choice: Json): boolean {
    const state = this.state(typeof choice.index === 'number' ? choice.index : 0);
    let modified = false;
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    if (delta && typeof delta.content === 'string') {
      this.outputChars += delta.content.length;
      if (state.redactor) {
        delta.content = state.redactor.push(delta.content);
        modified = true;
      }
      if (delta.content !== '') state.wroteContent = true;
    }
    if (delta && typeof delta.refusal === 'string') this.outputChars += delta.refusal.length;
    if (delta && Array.isArray(delta.tool_calls) && this.guardToolCalls(delta, delta.tool_calls, state)) modified = true;
    if (choice.finish_reason !== null && choice.finish_reason !== undefined && !state.finished) {
      state.finished = true;
      const tail = this.tail(state);
      if (tail !== '') {
        const target = delta ?? (choice.delta = {});
        target.content = `${typeof target.content === 'string' ? target.content : ''}${tail}`;
        modified = true;
      }
      const anyAllowed = [...state.calls.values()].some((mapped) => mapped !== null);
      if (state.denied.length > 0 && !anyAllowed && choice.finish_reason === 'tool_calls') {
        choice.finish_reason = 'stop';
        modified = true;
      }
    }
    return modified;
  }

  private guardToolCalls(delta: Json, calls: unknown[], state: ChoiceState): boolean {
    let modified = false;
    const kept: unknown[] = [];
    for (const call of calls) {
      if (!isObject(call) || typeof call.index !== 'number') {
        kept.push(call);
        continue;
      }
      const fn = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : undefined;
      if (typeof fn?.arguments === 'string') this.outputChars += fn.arguments.length;
      if (typeof fn?.input === 'string') this.outputChars += fn.input.length;
      let mapped = state.calls.get(call.index);
      if (mapped === undefined) {
        const name = openAiToolName(call);
        if (name !== undefined) this.outputChars += name.length;
        const decision = name === undefined || !this.guards.authorizeTool ? { allow: true as const } : this.guards.authorizeTool(name);
        if (decision.allow) {
          mapped = state.nextCallIndex++;
        } else {
          mapped = null;
          const denied = { name: name ?? '', reason: decision.reason };
          state.denied.push(denied);
          this.denied.push(denied);
        }
        state.calls.set(call.index, mapped);
      }
      if (mapped === null) {
        modified = true;
        continue;
      }
      if (mapped !== call.index) {
        call.index = mapped;
        modified = true;
      }
      kept.push(call);
    }
    if (modified) {
      if (kept.length > 0) delta.tool_calls = kept;
      else delete delta.tool_calls;
    }
    return modified;
  }

  /** Held-back redaction text plus the denial notes, to close a choice's content. */
  private tail(state: ChoiceState): string {
    let text = state.redactor?.flush() ?? '';
    if (state.denied.length > 0) {
      const notes = state.denied.map(deniedToolNote).join('\n');
      text += `${state.wroteContent || text !== '' ? '\n' : ''}${notes}`;
    }
    if (text !== '') state.wroteContent = true;
    return text;
  }
}

/**
 * The OpenAI Chat Completions wire format, as far as the proxy needs it: what a request asks for,
 * the usage a response reports, policy applied to a whole (non-streamed) response, and errors in
 * the shape the OpenAI SDKs parse (`{"error": {"message", "type", "param", "code"}}`).
 */
import type { DeniedToolCall, LlmRequestInfo, MeteredUsage, OutputGuards } from './llm-types';
import { deniedToolNote } from './llm-types';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Reads what the proxy needs from a `/v1/chat/completions` body, or says what is wrong with it. */
export function parseOpenAiRequest(body: unknown): LlmRequestInfo | { error: string } {
  if (!isObject(body)) return { error: 'the request body must be a JSON object' };
  if (typeof body.model !== 'string' || body.model.trim() === '') return { error: '`model` is required and must be a string' };
  if (!Array.isArray(body.messages)) return { error: '`messages` is required and must be an array' };
  const streamOptions = isObject(body.stream_options) ? body.stream_options : undefined;
  // `max_completion_tokens` replaced `max_tokens` (and is the only one o-series models accept).
  const maxOutputTokens = positiveInteger(body.max_completion_tokens) ?? positiveInteger(body.max_tokens);
  const info: LlmRequestInfo = {
    model: body.model,
    stream: body.stream === true,
    choices: positiveInteger(body.n) ?? 1,
    clientWantsStreamUsage: streamOptions?.include_usage === true,
  };
  if (maxOutputTokens !== undefined) info.maxOutputTokens = maxOutputTokens;
  return info;
}

/**
 * The body sent upstream. A stream reports usage only when `stream_options.include_usage` is set
 * (then in one last chunk with empty `choices`), so the proxy always sets it; the stream guard
 * drops that chunk again when the client had not asked for it.
 */
export function openAiUpstreamBody(body: Json, info: LlmRequestInfo): Json {
  if (!info.stream) return body;
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return { ...body, stream_options: { ...streamOptions, include_usage: true } };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

/** Usage from an OpenAI `usage` object; `prompt_tokens` already includes the cached tokens. */
export function openAiUsage(usage: unknown): MeteredUsage | undefined {
  if (!isObject(usage) || typeof usage.prompt_tokens !== 'number') return undefined;
  const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  return {
    inputTokens: count(usage.prompt_tokens),
    outputTokens: count(usage.completion_tokens),
    cacheReadTokens: count(details.cached_tokens),
    cacheWriteTokens: 0,
    estimated: false,
  };
}

/** The tool name of a `tool_calls` entry (function tools, and custom tools). */
export function openAiToolName(call: Json): string | undefined {
  const fn = isObject(call.function) ? call.function : isObject(call.custom) ? call.custom : undefined;
  return typeof fn?.name === 'string' ? fn.name : undefined;
}

/**
 * Applies output policy to a non-streamed completion, in place: message content is redacted;
 * denied tool calls are removed and a note per denial is appended to the content; when no call
 * is left, `finish_reason` `tool_calls` becomes `stop` so the agent does not wait for results.
 */
export function guardOpenAiResponse(response: Json, guards: OutputGuards): DeniedToolCall[] {
  const denied: DeniedToolCall[] = [];
  if (!Array.isArray(response.choices)) return denied;
  for (const choice of response.choices) {
    if (!isObject(choice) || !isObject(choice.message)) continue;
    const message = choice.message;
    if (typeof message.content === 'string' && guards.redact) message.content = guards.redact(message.content);
    if (!guards.authorizeTool) continue;
    const notes: string[] = [];
    if (Array.isArray(message.tool_calls)) {
      const kept = message.tool_calls.filter((call: unknown) => {
        const name = isObject(call) ? openAiToolName(call) : undefined;
        if (name === undefined) return true;
        const decision = guards.authorizeTool?.(name) ?? { allow: true };
        if (decision.allow) return true;
        denied.push({ name, reason: decision.reason });
        notes.push(deniedToolNote({ name, reason: decision.reason }));
        return false;
      });
      if (kept.length > 0) message.tool_calls = kept;
      else delete message.tool_calls;
      if (kept.length === 0 && choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
    }
    // The deprecated single `function_call` form is gated the same way.
    if (isObject(message.function_call) && typeof message.function_call.name === 'string') {
      const name = message.function_call.name;
      const decision = guards.authorizeTool(name);
      if (!decision.allow) {
        denied.push({ name, reason: decision.reason });
        notes.push(deniedToolNote({ name, reason: decision.reason }));
        delete message.function_call;
        if (choice.finish_reason === 'function_call') choice.finish_reason = 'stop';
      }
    }
    if (notes.length > 0) {
      const text = notes.join('\n');
      message.content = typeof message.content === 'string' && message.content !== '' ? `${message.content}\n${text}` : text;
    }
  }
  return denied;
}

/** An error body the OpenAI SDKs surface as `APIError.message` (and `.type`, `.code`). */
export function openAiErrorBody(message: string, type: string, code: string | null): Json {
  return { error: { message, type, param: null, code } };
}

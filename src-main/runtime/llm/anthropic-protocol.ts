/**
 * The Anthropic Messages wire format, as far as the proxy needs it: what a request asks for, the
 * usage a response reports, policy applied to a whole (non-streamed) message, and errors in the
 * shape the Anthropic SDKs parse (`{"type": "error", "error": {"type", "message"}}`).
 */
import type { DeniedToolCall, LlmRequestInfo, MeteredUsage, OutputGuards } from './llm-types';
import { deniedToolNote } from './llm-types';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `anthropic-version` sent when the agent's request names none (the API requires one). */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Reads what the proxy needs from a `/v1/messages` body, or says what is wrong with it. */
export function parseAnthropicRequest(body: unknown): LlmRequestInfo | { error: string } {
  if (!isObject(body)) return { error: 'the request body must be a JSON object' };
  if (typeof body.model !== 'string' || body.model.trim() === '') return { error: '`model` is required and must be a string' };
  if (!Array.isArray(body.messages)) return { error: '`messages` is required and must be an array' };
  const info: LlmRequestInfo = { model: body.model, stream: body.stream === true, choices: 1, clientWantsStreamUsage: true };
  if (typeof body.max_tokens === 'number' && Number.isInteger(body.max_tokens) && body.max_tokens > 0) info.maxOutputTokens = body.max_tokens;
  return info;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}

/** Anthropic's usage counters as reported (`input_tokens` excludes the cache reads and writes). */
export interface AnthropicCounters {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** The counters present in a `usage` object; absent ones stay undefined so a later event can overwrite only what it reports. */
export function anthropicCounters(usage: unknown): AnthropicCounters {
  if (!isObject(usage)) return {};
  const counters: AnthropicCounters = {};
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  if (input !== undefined) counters.input = input;
  if (output !== undefined) counters.output = output;
  if (cacheRead !== undefined) counters.cacheRead = cacheRead;
  if (cacheWrite !== undefined) counters.cacheWrite = cacheWrite;
  return counters;
}

/** Metered usage from Anthropic counters: input is the sum of uncached, cache-read and cache-written tokens. */
export function anthropicUsage(counters: AnthropicCounters, estimated = false): MeteredUsage {
  const cacheRead = counters.cacheRead ?? 0;
  const cacheWrite = counters.cacheWrite ?? 0;
  return { inputTokens: (counters.input ?? 0) + cacheRead + cacheWrite, outputTokens: counters.output ?? 0, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, estimated };
}

/**
 * Applies output policy to a non-streamed message, in place: text blocks are redacted; a denied
 * `tool_use` block is replaced, at the same position, by a text block carrying the denial note;
 * when no `tool_use` is left, `stop_reason` `tool_use` becomes `end_turn`.
 */
export function guardAnthropicResponse(message: Json, guards: OutputGuards): DeniedToolCall[] {
  const denied: DeniedToolCall[] = [];
  if (!Array.isArray(message.content)) return denied;
  let toolUseLeft = false;
  message.content = message.content.map((block: unknown) => {
    if (!isObject(block)) return block;
    if (block.type === 'text' && typeof block.text === 'string' && guards.redact) return { ...block, text: guards.redact(block.text) };
    if (block.type !== 'tool_use' || typeof block.name !== 'string') return block;
    const decision = guards.authorizeTool?.(block.name) ?? { allow: true };
    if (decision.allow) {
      toolUseLeft = true;
      return block;
    }
    const entry = { name: block.name, reason: decision.reason };
    denied.push(entry);
    return { type: 'text', text: deniedToolNote(entry) };
  });
  if (denied.length > 0 && !toolUseLeft && message.stop_reason === 'tool_use') message.stop_reason = 'end_turn';
  return denied;
}

/** An error body the Anthropic SDKs surface as `APIError.message` (and `.error.type`). */
export function anthropicErrorBody(message: string, type: string): Json {
  return { type: 'error', error: { type, message } };
}

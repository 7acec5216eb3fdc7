/**
 * The simulated provider's answers in each provider's wire format: whole responses and the exact
 * SSE event sequences the real APIs send (OpenAI chunks with an opt-in usage chunk and `[DONE]`;
 * Anthropic `message_start` … `message_stop` with cumulative usage in `message_delta`). Every
 * answer says it is simulated: OpenAI's `system_fingerprint` and both ids carry the mark, beside
 * the `x-agentdock-simulated` header the server adds.
 */
import { formatSse } from './sse';
import { splitIntoTokenPieces } from './simulated-text';

export const SIMULATED_FINGERPRINT = 'agentdock-simulated';

export interface SimulatedToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

/** One generated answer, in provider-neutral form. */
export interface SimulatedAnswer {
  id: string;
  model: string;
  created: number;
  text: string;
  toolCalls: SimulatedToolCall[];
  inputTokens: number;
  /** Of `inputTokens`, those served from the simulated prompt cache. */
  cachedInputTokens: number;
  outputTokens: number;
  /** True when the answer was cut at the request's max tokens. */
  truncated: boolean;
}

/** A stream event and whether it carries generated tokens (those are paced by the per-token latency). */
export interface PacedEvent {
  text: string;
  tokens: boolean;
}

/** Argument JSON split into a few deltas, as the real APIs stream it. */
function argumentPieces(json: string): string[] {
  const size = Math.max(1, Math.ceil(json.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces;
}

function openAiFinish(answer: SimulatedAnswer): string {
  return answer.truncated ? 'length' : answer.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function openAiUsage(answer: SimulatedAnswer): Record<string, unknown> {
  return {
    prompt_tokens: answer.inputTokens,
    completion_tokens: answer.outputTokens,
    total_tokens: answer.inputTokens + answer.outputTokens,
    prompt_tokens_details: { cached_tokens: answer.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** A `chat.completion` body. */
export function openAiCompletion(answer: SimulatedAnswer): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: answer.text === '' && answer.toolCalls.length > 0 ? null : answer.text, refusal: null };
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    system_fingerprint: SIMULATED_FINGERPRINT,
    choices: [{ index: 0, message, logprobs: null, finish_reason: openAiFinish(answer) }],
    usage: openAiUsage(answer),
  };
}

/** The `chat.completion.chunk` events of a stream; the usage chunk only when `includeUsage`. */
export function openAiStreamEvents(answer: SimulatedAnswer, includeUsage: boolean): PacedEvent[] {
  const envelope = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model, system_fingerprint: SIMULATED_FINGERPRINT };
  const chunk = (delta: Record<string, unknown>, finish: string | null, tokens: boolean): PacedEvent => ({
    text: formatSse(JSON.stringify({ ...envelope, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) })),
    tokens,
  });
  const events: PacedEvent[] = [chunk({ role: 'assistant', content: '', refusal: null }, null, false)];
  for (const piece of splitIntoTokenPieces(answer.text)) events.push(chunk({ content: piece }, null, true));
  answer.toolCalls.forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, null, true));
    for (const piece of argumentPieces(call.arguments)) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null, true));
  });
  events.push(chunk({}, openAiFinish(answer), false));
  if (includeUsage) events.push({ text: formatSse(JSON.stringify({ ...envelope, choices: [], usage: openAiUsage(answer) })), tokens: false });
  events.push({ text: formatSse('[DONE]'), tokens: false });
  return events;
}

function anthropicStop(answer: SimulatedAnswer): string {
  return answer.truncated ? 'max_tokens' : answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
}

function anthropicBlocks(answer: SimulatedAnswer): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  if (answer.text !== '' || answer.toolCalls.length === 0) blocks.push({ type: 'text', text: answer.text });
  for (const call of answer.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown });
  return blocks;
}

/** A Messages API `message` body. */
export function anthropicMessage(answer: SimulatedAnswer): Record<string, unknown> {
  return {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: anthropicBlocks(answer),
    stop_reason: anthropicStop(answer),
    stop_sequence: null,
    usage: { input_tokens: answer.inputTokens, output_tokens: answer.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** The Messages API stream events; `message_delta` carries the cumulative output count. */
export function anthropicStreamEvents(answer: SimulatedAnswer): PacedEvent[] {
  const event = (type: string, data: Record<string, unknown>, tokens = false): PacedEvent => ({ text: formatSse(JSON.stringify({ type, ...data }), type), tokens });
  const usage = { input_tokens: answer.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const events: PacedEvent[] = [event('message_start', { message: { ...anthropicMessage(answer), content: [], stop_reason: null, usage } })];
  let index = 0;
  if (answer.text !== '' || answer.toolCalls.length === 0) {
    events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    events.push(event('ping', {}));
    for (const piece of splitIntoTokenPieces(answer.text)) events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }, true));
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  for (const call of answer.toolCalls) {
    events.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }, true));
    for (const piece of argumentPieces(call.arguments)) events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }, true));
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  events.push(event('message_delta', { delta: { stop_reason: anthropicStop(answer), stop_sequence: null }, usage: { output_tokens: answer.outputTokens } }));
  events.push(event('message_stop', {}));
  return events;
}

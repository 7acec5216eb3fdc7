/**
 * Types the LLM proxy's parts share: metered usage, the output guards the policy engine injects,
 * and the two wire protocols it speaks.
 */
import type { ToolDecision } from '../contracts';
import type { SseEvent } from './sse';

export type LlmProvider = 'openai' | 'anthropic';

/** Token counts of one call. Cache counts are parts of `inputTokens` (priced at their own rates). */
export interface MeteredUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** True when some count was estimated (chars/4) because the provider never reported it. */
  estimated: boolean;
}

/**
 * Redacts a streamed text in order. `push` returns what may be sent now; it may hold back a tail
 * that could be the start of a value spanning chunks. `flush` returns the rest at the end.
 */
export interface StreamRedactor {
  push(text: string): string;
  flush(): string;
}

/** The policy hooks applied to model output before the agent sees it. */
export interface OutputGuards {
  /** Whole-text redaction (non-streamed message content). */
  redact?: (text: string) => string;
  /** A fresh redactor for one streamed text (one per choice or content block). */
  createStreamRedactor?: () => StreamRedactor;
  /** Asked for every tool call the model makes; a denial removes the call. */
  authorizeTool?: (name: string) => ToolDecision;
}

/** A tool call the policy removed from a model response. */
export interface DeniedToolCall {
  name: string;
  reason: string;
}

/** The one line the agent reads in place of a denied tool call. */
export function deniedToolNote(denied: DeniedToolCall): string {
  return `[agentdock] tool call "${denied.name}" was denied by policy: ${denied.reason}`;
}

/** What the proxy needs to know about a request before it is sent. */
export interface LlmRequestInfo {
  model: string;
  stream: boolean;
  /** The request's own cap on completion tokens per choice, when it sets one. */
  maxOutputTokens?: number;
  /** Completions requested (OpenAI `n`); 1 for Anthropic. */
  choices: number;
  /** OpenAI: whether the client itself asked for the usage chunk (`stream_options.include_usage`). */
  clientWantsStreamUsage: boolean;
}

/** Meters and guards one provider stream, event by event. */
export interface StreamGuard {
  /** Returns the text to send the client for one upstream event ('' to drop it). */
  push(event: SseEvent): string;
  /** Returns text still held back (redaction tail) when the upstream stream ends or breaks. */
  end(): string;
  /** Usage as reported so far; counts never reported are estimated and flagged. */
  usage(estimatedInputTokens: number): MeteredUsage;
  readonly denied: readonly DeniedToolCall[];
}

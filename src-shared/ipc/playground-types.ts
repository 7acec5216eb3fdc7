/**
 * The playground's streamed run (`agents:invoke-stream`): the runtime's `/stream` events as the
 * console forwards them, in order — `start`, then tokens, tool and policy events as they happen,
 * then exactly one `end` (the output and what the run cost) or `error` — after which main ends
 * the stream.
 */

/** Tokens and cost of one run, as the runtime's LLM proxy metered them. */
export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  /** US dollars. */
  costUsd: number;
  llmCalls: number;
}

export type PlaygroundStreamEvent =
  | { type: 'start'; traceId: string; agent: string; version: string }
  | { type: 'token'; text: string }
  | { type: 'tool'; phase: 'start' | 'end' | 'denied'; name: string; callId: string; reason?: string }
  /** A policy acted on this run (`stage` pre_invoke / llm_output / post_invoke, `action` redacted / blocked / warned / denied). */
  | { type: 'policy'; stage: string; rule: string; action: string; count: number }
  /**
   * The run finished. `latencyMs` is the runtime's own measure; `durationMs` is the round trip
   * the console saw (request sent → end received).
   */
  | { type: 'end'; output: unknown; usage: RunUsage | null; latencyMs: number | null; durationMs: number }
  /** The runtime refused or failed the run: its HTTP status (200 when the failure came mid-stream), error name, code and detail. */
  | { type: 'error'; status: number; error: string; code: number | null; detail: string; durationMs: number };

/**
 * The playground's streamed invoke (`agents:invoke-stream`): POSTs the input to the active
 * runtime's `/stream` with the control token (the same runtime lookup as `agents:invoke`),
 * forwards each SSE event as it is parsed, and ends the console stream after the run's `end` or
 * `error`. Disposing the stream — the caller unsubscribed, or its window or socket went away —
 * aborts the HTTP request, so the runtime sees its client go and cancels the run.
 */
import type { PlaygroundStreamEvent, RunUsage } from '../../../src-shared/ipc/console-types';
import { parseErrorEnvelope } from '../../runtime/http/errors';
import type { ControlPlane } from '../control-plane';
import { CoreError, errorMessage } from '../contracts';
import { CONTROL_TOKEN_HEADER } from '../telemetry/event-stream-client';
import { SseParser } from '../telemetry/sse-parser';
import type { SseFrame } from '../telemetry/sse-parser';
import { activeRuntimeOf } from './active-runtime';
import type { ConsoleHandlers, StreamContext } from './handler-types';

type Streams = ConsoleHandlers['streams'];

/** How long the runtime may take to answer with headers (the run itself is bounded by the runtime's request timeout). */
const RESPONSE_TIMEOUT_MS = 30_000;

export function playgroundStreamHandlers(plane: ControlPlane): Pick<Streams, 'agents:invoke-stream'> {
  return {
    'agents:invoke-stream': async ({ agent, input, target }, context) => {
      // Before anything is opened: an agent that is not running fails the subscription itself.
      const runtime = await activeRuntimeOf(plane, agent, target);
      const controller = new AbortController();
      void streamRun(`${runtime.endpoint}/stream`, runtime.token, input, controller.signal, context).catch((error: unknown) => {
        if (controller.signal.aborted) return; // Unsubscribed: nobody is listening.
        context.fail(new CoreError('E2021', `Could not stream from ${agent} at ${runtime.endpoint}: ${errorMessage(error)}. See its logs.`));
      });
      return { dispose: () => controller.abort() };
    },
  };
}

async function streamRun(url: string, token: string, input: Record<string, unknown>, signal: AbortSignal, context: StreamContext<'agents:invoke-stream'>): Promise<void> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const answered = new AbortController();
  const noAnswer = setTimeout(() => answered.abort(new Error(`no answer within ${RESPONSE_TIMEOUT_MS / 1000} s`)), RESPONSE_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', [CONTROL_TOKEN_HEADER]: token },
      body: JSON.stringify(input),
      signal: AbortSignal.any([signal, answered.signal]),
    });
  } finally {
    clearTimeout(noAnswer);
  }
  if (response.status !== 200 || !response.body) {
    // Refused before the run started (auth, rate limit, not streaming, bad JSON): the runtime's error envelope.
    context.emit(refusal(response.status, await response.text(), elapsed()));
    return context.end();
  }
  let finished = false;
  const parser = new SseParser({
    onFrame: (frame) => {
      const event = toPlaygroundEvent(frame, elapsed());
      if (!event || finished) return;
      context.emit(event);
      finished = event.type === 'end' || event.type === 'error';
    },
  });
  const decoder = new TextDecoder();
  // Reading ends when the runtime closes the response; an abort rejects the pending read.
  for await (const chunk of response.body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (finished) break;
  }
  if (!finished) throw new Error('the runtime closed the stream before the run ended');
  context.end();
}

/** One runtime SSE frame as a playground event; undefined for frames the console does not know. */
export function toPlaygroundEvent(frame: SseFrame, durationMs: number): PlaygroundStreamEvent | undefined {
  let data: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(frame.data);
    if (parsed === null || typeof parsed !== 'object') return undefined;
    data = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  switch (frame.event) {
    case 'start':
      return { type: 'start', traceId: text(data.traceId), agent: text(data.agent), version: text(data.version) };
    case 'token':
      return { type: 'token', text: text(data.text) };
    case 'tool': {
      const phase = data.phase === 'start' || data.phase === 'end' || data.phase === 'denied' ? data.phase : undefined;
      if (!phase) return undefined;
      return { type: 'tool', phase, name: text(data.name), callId: text(data.callId), ...(typeof data.reason === 'string' ? { reason: data.reason } : {}) };
    }
    case 'policy':
      return { type: 'policy', stage: text(data.stage), rule: text(data.rule), action: text(data.action), count: numberOr(data.count, 0) };
    case 'end':
      return { type: 'end', output: data.output ?? null, usage: usageOf(data.usage), latencyMs: numberOr(data.latencyMs, null), durationMs };
    case 'error':
      return { type: 'error', status: 200, error: text(data.error), code: numberOr(data.code, null), detail: text(data.detail), durationMs };
    default:
      return undefined;
  }
}

function refusal(status: number, body: string, durationMs: number): PlaygroundStreamEvent {
  // Not the runtime's JSON (a proxy's page): the text is the detail.
  const envelope = parseErrorEnvelope(body) ?? {};
  return {
    type: 'error',
    status,
    error: envelope.error ?? `HTTP ${status}`,
    code: envelope.code ?? null,
    detail: envelope.detail ?? body.slice(0, 500),
    durationMs,
  };
}

function usageOf(value: unknown): RunUsage | null {
  if (value === null || typeof value !== 'object') return null;
  const usage = value as Record<string, unknown>;
  return { inputTokens: numberOr(usage.inputTokens, 0), outputTokens: numberOr(usage.outputTokens, 0), costUsd: numberOr(usage.costUsd, 0), llmCalls: numberOr(usage.llmCalls, 0) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

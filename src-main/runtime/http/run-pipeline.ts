/**
 * One agent run, the same for `/invoke`, `/stream` and the WebSocket: input schema → pre-invoke
 * policy → adapter (tools authorised before they run) → post-invoke policy → output schema, with
 * `run_start`/`run_end` events, metrics and the run's LLM cost. Transport code only decides how
 * the events reach the client.
 */
import { AgentRunError } from '../contracts';
import type { Principal } from '../contracts';
import { RuntimeHttpError } from './errors';
import type { RuntimeErrorName } from './errors';
import { summarise } from './io-schema';
import type { Refusal, RunTotals, RuntimeServices } from './services';

/** What a streaming client sees (SSE event names, WebSocket `event` field). */
export type RunEvent =
  | { event: 'start'; data: { traceId: string; agent: string; version: string } }
  | { event: 'token'; data: { text: string } }
  | { event: 'tool'; data: { phase: 'start' | 'end' | 'denied'; name: string; callId: string; reason?: string } }
  | { event: 'policy'; data: { stage: string; rule: string; action: string; count: number } }
  | { event: 'end'; data: { output: unknown; usage: RunTotals; latencyMs: number } }
  | { event: 'error'; data: { error: RuntimeErrorName; code: number; detail: string } };

export interface RunRequest {
  principal: Principal;
  input: unknown;
  traceId: string;
  endpoint: '/invoke' | '/stream' | '/ws/stream';
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Streaming transports get every event; `/invoke` passes nothing. */
  onEvent?: (event: RunEvent) => void;
}

export interface RunResult {
  output: unknown;
  usage: RunTotals;
  latencyMs: number;
}

/** Runs the agent once through every gate. Throws RuntimeHttpError for anything the client should see. */
export async function runAgent(services: RuntimeServices, request: RunRequest): Promise<RunResult> {
  const { traceId, onEvent } = request;
  const started = services.clock();
  const inputProblems = services.io.checkInput(request.input);
  if (inputProblems.length) {
    throw new RuntimeHttpError('ValidationError', summarise(inputProblems), { fields: { errors: inputProblems } });
  }
  const pre = services.policy.preInvoke(request.input, traceId);
  if (!pre.ok) throw refusalError(pre);

  // Policy events of this run reach a streaming client as they happen. PII audit records share
  // the event type but are not decisions (no rule, no action): they stay on /events.
  const unsubscribe = onEvent
    ? services.events.subscribe((event) => {
        if (event.traceId !== traceId || event.type !== 'policy') return;
        const data = event.data as { kind?: string; stage?: string; rule?: string; action?: string; count?: number };
        if (data.kind === 'pii_audit') return;
        onEvent({ event: 'policy', data: { stage: String(data.stage), rule: String(data.rule), action: String(data.action), count: Number(data.count ?? 0) } });
      })
    : undefined;

  const timeout = AbortSignal.timeout(services.limits.requestTimeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  services.events.emit('run_start', { endpoint: request.endpoint, role: request.principal.role, subject: request.principal.subject }, traceId);
  onEvent?.({ event: 'start', data: { traceId, agent: services.spec.agent.name, version: services.agentVersion } });

  let status: 'ok' | 'error' = 'error';
  let errorName: RuntimeErrorName | undefined;
  try {
    const context = {
      traceId,
      signal,
      arguments: services.spec.arguments as Record<string, unknown>,
      authorizeTool: (name: string) => services.policy.authorizeTool(name, traceId),
    };
    let rawOutput: unknown;
    if (onEvent) {
      let ended = false;
      for await (const event of services.adapter.stream(pre.input, context)) {
        if (event.type === 'token') onEvent({ event: 'token', data: { text: event.text } });
        else if (event.type === 'tool_start') onEvent({ event: 'tool', data: { phase: 'start', name: event.name, callId: event.callId } });
        else if (event.type === 'tool_end') onEvent({ event: 'tool', data: { phase: 'end', name: event.name, callId: event.callId } });
        else if (event.type === 'tool_denied') onEvent({ event: 'tool', data: { phase: 'denied', name: event.name, callId: event.callId, reason: event.reason } });
        else if (event.type === 'end') {
          rawOutput = event.output;
          ended = true;
        }
      }
      if (!ended) throw new AgentRunError('the agent stream ended without an output', 'AgentError');
    } else {
      rawOutput = await services.adapter.invoke(pre.input, context);
    }
    const post = services.policy.postInvoke(rawOutput, traceId);
    if (!post.ok) throw refusalError(post);
    const outputProblems = services.io.checkOutput(post.output);
    if (outputProblems.length) {
      throw new RuntimeHttpError('SchemaMismatch', `the agent's output does not match its output schema: ${summarise(outputProblems)}`, { fields: { errors: outputProblems } });
    }
    status = 'ok';
    const latencyMs = services.clock() - started;
    const usage = services.ledger.totalsFor(traceId);
    onEvent?.({ event: 'end', data: { output: post.output, usage, latencyMs } });
    finish(services, request, traceId, 'ok', latencyMs, usage);
    return { output: post.output, usage, latencyMs };
  } catch (error) {
    const httpError = toHttpError(error, timeout.aborted, request.signal.aborted);
    errorName = httpError.errorName;
    throw httpError;
  } finally {
    unsubscribe?.();
    if (status === 'error') finish(services, request, traceId, 'error', services.clock() - started, services.ledger.totalsFor(traceId), errorName);
  }
}

function finish(services: RuntimeServices, request: RunRequest, traceId: string, status: 'ok' | 'error', latencyMs: number, usage: RunTotals, error?: RuntimeErrorName): void {
  services.events.emit(
    'run_end',
    {
      endpoint: request.endpoint,
      status,
      ...(error ? { error } : {}),
      latencyMs,
      tokensIn: usage.inputTokens,
      tokensOut: usage.outputTokens,
      costUsd: usage.costUsd,
      llmCalls: usage.llmCalls,
      role: request.principal.role,
    },
    traceId,
  );
  // The access log: one JSON line per run, carrying the trace id (never the input or output).
  const log = services.logger.child?.({ traceId }) ?? services.logger;
  log[status === 'ok' ? 'info' : 'warn']('run finished', { endpoint: request.endpoint, status, ...(error ? { error } : {}), latencyMs, role: request.principal.role, tokensIn: usage.inputTokens, tokensOut: usage.outputTokens, costUsd: usage.costUsd });
  if (usage.inputTokens) services.metrics.increment('agentdock_run_tokens_total', { direction: 'input' }, usage.inputTokens);
  if (usage.outputTokens) services.metrics.increment('agentdock_run_tokens_total', { direction: 'output' }, usage.outputTokens);
  if (usage.costUsd) services.metrics.increment('agentdock_run_cost_usd_total', {}, usage.costUsd);
}

/** A gate's refusal as an error the client sees. */
export function refusalError(refusal: Refusal): RuntimeHttpError {
  return new RuntimeHttpError(refusal.error, refusal.message, refusal.headers ? { headers: refusal.headers } : undefined);
}

function toHttpError(error: unknown, timedOut: boolean, clientGone: boolean): RuntimeHttpError {
  if (error instanceof RuntimeHttpError) return error;
  if (timedOut) return new RuntimeHttpError('Timeout', 'the agent did not finish within the request timeout');
  if (error instanceof AgentRunError) {
    switch (error.code) {
      case 'ToolDenied':
        return new RuntimeHttpError('ToolDenied', error.message);
      case 'AdapterCrashed':
      case 'AdapterStopped':
        return new RuntimeHttpError('AdapterCrashed', `${error.message}; retry the request`);
      case 'Timeout':
        return new RuntimeHttpError('Timeout', error.message);
      case 'Cancelled':
        return new RuntimeHttpError('RequestTimeout', clientGone ? 'the client went away' : error.message);
      default:
        return new RuntimeHttpError('AgentError', `the agent failed: ${firstLine(error.message)}`);
    }
  }
  if (clientGone) return new RuntimeHttpError('RequestTimeout', 'the client went away');
  return new RuntimeHttpError('AgentError', `the agent failed: ${firstLine(error instanceof Error ? error.message : String(error))}`);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

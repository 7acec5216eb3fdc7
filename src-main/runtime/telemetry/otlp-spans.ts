/**
 * Turns one finished agent run into OTLP/JSON spans for Langfuse's OpenTelemetry endpoint: a
 * root span for the run, a `generation` child per LLM call, a `tool` child per tool call, and
 * policy actions as span events. Only measurements leave the replica (latency, tokens, cost,
 * status, names): never the run's input or output, which may hold PII.
 *
 * Span ids are derived from the trace id and the span's position, so a batch re-sent after an
 * ambiguous failure (or replayed from the spool) carries the same ids and Langfuse, which keys
 * observations by id, does not count it twice.
 */
import { createHash } from 'node:crypto';
import type { LlmCallRecord, PolicyEventData } from '../contracts';

/** A finished run, as the request pipeline hands it to the exporter. */
export interface RunRecord {
  traceId: string;
  /** Route that served it: `/invoke`, `/stream`. */
  endpoint: string;
  startTimeMs: number;
  endTimeMs: number;
  status: 'ok' | 'error';
  /** The error envelope's code when status is error. */
  errorCode?: string;
  httpStatus?: number;
  /** Caller's role (never the caller's identity). */
  role?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  llmCalls?: Array<Omit<LlmCallRecord, 'traceId'> & { endTimeMs: number }>;
  tools?: Array<{ name: string; startTimeMs: number; endTimeMs: number; status: 'ok' | 'error' | 'denied' }>;
  policyEvents?: Array<PolicyEventData & { timeMs: number }>;
}

export type OtlpAnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean } | { arrayValue: { values: OtlpAnyValue[] } };
export interface OtlpAttribute {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  events?: Array<{ timeUnixNano: string; name: string; attributes: OtlpAttribute[] }>;
  /** 1 ok, 2 error. */
  status: { code: number; message?: string };
}

export interface SpanContext {
  agent: string;
  version: string;
  environment?: string;
}

/** OTLP wants 16 bytes of hex; runtime trace ids that are not (a ULID, a custom header) are hashed. */
export function otlpTraceId(traceId: string): string {
  const hex = traceId.replace(/-/g, '').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex)) return hex;
  return createHash('sha256').update(traceId).digest('hex').slice(0, 32);
}

/** A span id stable for (trace, position): the dedupe key on replay. */
export function stableSpanId(traceId: string, key: string): string {
  return createHash('sha256').update(`${traceId}\u0000${key}`).digest('hex').slice(0, 16);
}

/** Epoch milliseconds to the decimal nanosecond string OTLP/JSON uses (past 2^53, so BigInt). */
export function unixNano(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/** One OTLP attribute; numbers that are integers become intValue. */
export function attribute(key: string, value: string | number | boolean | readonly string[]): OtlpAttribute {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'number') return { key, value: Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value } };
  return { key, value: { arrayValue: { values: value.map((item) => ({ stringValue: item })) } } };
}

/** The spans of one run, root first. */
export function runToSpans(run: RunRecord, context: SpanContext): OtlpSpan[] {
  const traceId = otlpTraceId(run.traceId);
  const rootId = stableSpanId(run.traceId, 'run');
  const common = [attribute('langfuse.version', context.version), ...(context.environment ? [attribute('langfuse.environment', context.environment)] : [])];
  const root: OtlpSpan = {
    traceId,
    spanId: rootId,
    name: `${context.agent} ${run.endpoint}`,
    kind: 2,
    startTimeUnixNano: unixNano(run.startTimeMs),
    endTimeUnixNano: unixNano(run.endTimeMs),
    attributes: [
      attribute('langfuse.trace.name', `${context.agent} ${run.endpoint}`),
      attribute('langfuse.observation.type', 'agent'),
      attribute('langfuse.trace.tags', [context.agent, run.endpoint]),
      ...common,
      attribute('agentdock.agent', context.agent),
      attribute('agentdock.trace_id', run.traceId),
      attribute('agentdock.endpoint', run.endpoint),
      attribute('agentdock.status', run.status),
      attribute('agentdock.latency_ms', Math.max(0, Math.round(run.endTimeMs - run.startTimeMs))),
      attribute('agentdock.tokens_input', run.inputTokens),
      attribute('agentdock.tokens_output', run.outputTokens),
      attribute('agentdock.cost_usd', run.costUsd),
      attribute('langfuse.trace.metadata.role', run.role ?? 'unknown'),
      ...(run.httpStatus !== undefined ? [attribute('http.response.status_code', run.httpStatus)] : []),
      ...(run.errorCode ? [attribute('agentdock.error_code', run.errorCode)] : []),
    ],
    status: run.status === 'ok' ? { code: 1 } : { code: 2, message: run.errorCode ?? 'error' },
  };
  if (run.policyEvents?.length) {
    root.events = run.policyEvents.map((event) => ({
      timeUnixNano: unixNano(event.timeMs),
      name: 'policy',
      attributes: [attribute('stage', event.stage), attribute('rule', event.rule), attribute('action', event.action), attribute('count', event.count), attribute('duration_ms', event.durationMs)],
    }));
  }
  const spans = [root];
  run.llmCalls?.forEach((call, index) => {
    spans.push({
      traceId,
      spanId: stableSpanId(run.traceId, `llm:${index}`),
      parentSpanId: rootId,
      name: `${call.provider} ${call.model}`,
      kind: 3,
      startTimeUnixNano: unixNano(call.endTimeMs - call.latencyMs),
      endTimeUnixNano: unixNano(call.endTimeMs),
      attributes: [
        attribute('langfuse.observation.type', 'generation'),
        ...common,
        attribute('gen_ai.system', call.provider),
        attribute('gen_ai.request.model', call.model),
        attribute('gen_ai.usage.input_tokens', call.usage.inputTokens),
        attribute('gen_ai.usage.output_tokens', call.usage.outputTokens),
        attribute('langfuse.observation.model.name', call.model),
        attribute('langfuse.observation.usage_details', JSON.stringify({ input: call.usage.inputTokens, output: call.usage.outputTokens })),
        attribute('langfuse.observation.cost_details', JSON.stringify({ total: call.costUsd })),
        attribute('agentdock.stream', call.stream),
        attribute('agentdock.simulated', call.simulated),
      ],
      status: call.status === 'ok' ? { code: 1 } : { code: 2, message: call.status },
    });
  });
  run.tools?.forEach((tool, index) => {
    spans.push({
      traceId,
      spanId: stableSpanId(run.traceId, `tool:${index}`),
      parentSpanId: rootId,
      name: `tool ${tool.name}`,
      kind: 1,
      startTimeUnixNano: unixNano(tool.startTimeMs),
      endTimeUnixNano: unixNano(tool.endTimeMs),
      attributes: [attribute('langfuse.observation.type', 'tool'), ...common, attribute('agentdock.tool', tool.name), attribute('agentdock.status', tool.status)],
      status: tool.status === 'ok' ? { code: 1 } : { code: 2, message: tool.status },
    });
  });
  return spans;
}

/** The OTLP/JSON ExportTraceServiceRequest body for `spans`. */
export function exportRequestBody(spans: readonly OtlpSpan[], context: SpanContext): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', context.agent), attribute('service.version', context.version), ...(context.environment ? [attribute('deployment.environment', context.environment)] : [])] },
        scopeSpans: [{ scope: { name: 'agentdock-runtime' }, spans }],
      },
    ],
  });
}

/**
 * The runtime's standard metric families (seed 004 §5.5.3): requests, latency, tokens, cost,
 * policy events, breakers, budget, the LLM proxy and telemetry export. Every series also carries
 * the constant `agent` and `version` labels.
 *
 * Label value conventions: `direction` is `input` | `output`; `status` is the HTTP status code
 * for requests and `ok` | `error` | `aborted` for LLM calls and tools; `endpoint` is the route
 * path (`/invoke`, `/stream`), never the raw URL, so query strings cannot explode cardinality.
 */
import type { Logger } from '../contracts';
import { METRIC } from './metric-names';
import { MetricsRegistry } from './metrics';
import type { MetricDefinition } from './metrics';

/** Request latency buckets, seconds: agent runs span milliseconds (cached) to minutes (tool chains). */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** LLM call latency buckets, seconds. */
export const LLM_DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
/** Tool call latency buckets, seconds. */
/** The proxy's own processing time per call: tenths of a millisecond to tens of milliseconds. */
export const PROXY_OVERHEAD_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05];
export const TOOL_DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const RUNTIME_METRICS: readonly MetricDefinition[] = [
  { name: METRIC.up, help: '1 while the runtime serves.', type: 'gauge' },
  { name: METRIC.requests, help: 'HTTP requests by endpoint, status code and caller role.', type: 'counter', labelNames: ['endpoint', 'status', 'role'] },
  { name: METRIC.requestDuration, help: 'End-to-end request latency in seconds.', type: 'histogram', labelNames: ['endpoint'], buckets: REQUEST_DURATION_BUCKETS },
  { name: METRIC.inflightRequests, help: 'Requests being served now.', type: 'gauge' },
  { name: METRIC.runTokens, help: 'LLM tokens used by agent runs, by direction (input, output).', type: 'counter', labelNames: ['direction'] },
  { name: METRIC.runCost, help: 'Estimated LLM cost of agent runs in US dollars.', type: 'counter' },
  { name: METRIC.toolCalls, help: 'Tool calls made by agent runs, by tool and status.', type: 'counter', labelNames: ['tool', 'status'] },
  { name: METRIC.toolDuration, help: 'Tool call latency in seconds.', type: 'histogram', labelNames: ['tool'], buckets: TOOL_DURATION_BUCKETS },
  { name: METRIC.policyEvents, help: 'Policy actions by stage, rule and action.', type: 'counter', labelNames: ['stage', 'rule', 'action'] },
  { name: METRIC.breakerState, help: 'Circuit breaker state per service: 0 closed, 1 half-open, 2 open.', type: 'gauge', labelNames: ['service'] },
  { name: METRIC.breakerCallsBlocked, help: 'Calls a circuit breaker kept from its service while open.', type: 'counter', labelNames: ['service'] },
  { name: METRIC.breakerCostSaved, help: 'US dollars not spent on calls a circuit breaker blocked.', type: 'counter', labelNames: ['service'] },
  { name: METRIC.breakerCalls, help: 'Calls through a circuit breaker by the tier that served them (primary, cache, placeholder, failed).', type: 'counter', labelNames: ['service', 'tier'] },
  { name: METRIC.budgetSpent, help: 'US dollars spent in the current budget period.', type: 'gauge' },
  { name: METRIC.budgetLimit, help: 'Budget limit of the current period in US dollars (absent when the agent has no budget).', type: 'gauge', absentUntilSet: true },
  { name: METRIC.adapterRestarts, help: 'Times the agent adapter (Python subprocess) was restarted.', type: 'counter' },
  { name: METRIC.llmTokens, help: 'Tokens through the LLM proxy by direction (input, output) and model.', type: 'counter', labelNames: ['direction', 'model'] },
  { name: METRIC.llmCost, help: 'Cost of LLM calls through the proxy in US dollars, by model.', type: 'counter', labelNames: ['model'] },
  { name: METRIC.llmRequests, help: 'LLM calls through the proxy by model and status (ok, error, aborted).', type: 'counter', labelNames: ['model', 'status'] },
  { name: METRIC.llmRequestDuration, help: 'LLM call latency through the proxy in seconds.', type: 'histogram', labelNames: ['model'], buckets: LLM_DURATION_BUCKETS },
  { name: METRIC.llmProxyOverhead, help: "Time the LLM proxy itself adds to a call, in seconds.", type: 'histogram', buckets: PROXY_OVERHEAD_BUCKETS },
  { name: METRIC.telemetryExportSpans, help: 'Spans handled by the Langfuse exporter by outcome (sent, spooled, replayed, dropped).', type: 'counter', labelNames: ['outcome'] },
  { name: METRIC.telemetrySpoolSpans, help: 'Spans waiting in the local telemetry spool.', type: 'gauge' },
  { name: METRIC.eventSubscribers, help: 'Clients connected to the /events stream.', type: 'gauge' },
];

/** Declares the standard families on `registry` and sets `agentdock_up` to 1. */
export function declareRuntimeMetrics(registry: MetricsRegistry): void {
  for (const definition of RUNTIME_METRICS) registry.declare(definition);
  registry.set(METRIC.up, 1);
}

/** A registry with the standard families declared. */
export function createRuntimeMetrics(options: { agent: string; version: string; maxSeriesPerFamily?: number; logger?: Logger }): MetricsRegistry {
  const registry = new MetricsRegistry(options);
  declareRuntimeMetrics(registry);
  return registry;
}

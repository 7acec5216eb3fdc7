/**
 * The names of the runtime's Prometheus metrics, in one dependency-free place so code that
 * increments a metric (the breaker inside agent code, the LLM proxy, the HTTP layer) and the code
 * that declares it (`runtime-metrics.ts`) cannot drift apart through a typo.
 */
export const METRIC = {
  up: 'agentdock_up',
  requests: 'agentdock_requests_total',
  requestDuration: 'agentdock_request_duration_seconds',
  inflightRequests: 'agentdock_inflight_requests',
  runTokens: 'agentdock_run_tokens_total',
  runCost: 'agentdock_run_cost_usd_total',
  toolCalls: 'agentdock_tool_calls_total',
  toolDuration: 'agentdock_tool_duration_seconds',
  policyEvents: 'agentdock_policy_events_total',
  breakerState: 'agentdock_breaker_state',
  breakerCallsBlocked: 'agentdock_breaker_calls_blocked_total',
  breakerCostSaved: 'agentdock_breaker_cost_saved_usd_total',
  breakerCalls: 'agentdock_breaker_calls_total',
  budgetSpent: 'agentdock_budget_spent_usd',
  budgetLimit: 'agentdock_budget_limit_usd',
  adapterRestarts: 'agentdock_adapter_restarts_total',
  llmTokens: 'agentdock_llm_tokens_total',
  llmCost: 'agentdock_llm_cost_usd_total',
  llmRequests: 'agentdock_llm_requests_total',
  llmRequestDuration: 'agentdock_llm_request_duration_seconds',
  llmProxyOverhead: 'agentdock_llm_proxy_overhead_seconds',
  telemetryExportSpans: 'agentdock_telemetry_export_spans_total',
  telemetrySpoolSpans: 'agentdock_telemetry_spool_spans',
  eventSubscribers: 'agentdock_event_subscribers',
  metricsDroppedSeries: 'agentdock_metrics_dropped_series_total',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** `agentdock_breaker_state` gauge values, as the dashboards read them. */
export const BREAKER_STATE_VALUE = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;

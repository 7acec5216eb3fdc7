/** The alerts' vocabulary: what the engine reads (samples), what it decides, and how loud. */

/** How loud a notification is; channels filter on it (`minSeverity`). */
export type Severity = 'info' | 'warning' | 'critical';

/** Severities in increasing order. */
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Whether `severity` is at least `minimum`. */
export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}

/** The built-in rules. */
export type RuleId = 'budget_warning' | 'budget_exceeded' | 'error_rate' | 'latency_p95';

/** Every rule, in the order they are evaluated and listed. */
export const RULE_IDS: readonly RuleId[] = ['budget_warning', 'budget_exceeded', 'error_rate', 'latency_p95'];

/**
 * What the engine knows about one agent at one moment. The lead feeds it from telemetry
 * (telemetry-samples.ts does it from the store's rollups); the engine depends on nothing else.
 */
export interface AgentHealthSample {
  agentId: string;
  agentName: string;
  /** When the sample was taken (ISO-8601). */
  at: string;
  /** The window requests, errors and latency cover, in ms (for the texts: "over the last 5 min"). */
  windowMs: number;
  requests: number;
  errors: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  /** p95 latency over the window; null without requests. */
  p95Ms: number | null;
  /** LLM spend in the current budget period, USD. */
  spendUsd: number;
  /** The budget limit, USD; null when the agent has none (budget rules then stay quiet). */
  budgetLimitUsd: number | null;
  /** Names the budget period (a deployment id, a month): a new one re-arms the budget rules. */
  budgetPeriod?: string;
}

/** The parameters of one rule (each rule reads the ones it needs). */
export interface RuleParams {
  enabled: boolean;
  severity: Severity;
  /** Fraction of the budget (budget rules), error rate 0..1 (error_rate), or milliseconds (latency_p95). */
  threshold: number;
  /** error_rate, latency_p95: fewer requests in the window decide nothing. */
  minRequests: number;
  /** error_rate, latency_p95: the alert resolves below threshold × resolveRatio (hysteresis). */
  resolveRatio: number;
}

/** The effective rules of one agent. */
export type AgentRules = Record<RuleId, RuleParams>;

/** Where one rule of one agent stands (persisted in alert_state). */
export interface AlertState {
  status: 'ok' | 'firing';
  period?: string;
  /** Whether the firing was announced; a resolution is announced only if its firing was. */
  notified: boolean;
  since: string;
}

/** A change the engine makes: an alert fires or resolves. */
export interface AlertDecision {
  kind: 'fired' | 'resolved';
  agentId: string;
  agentName: string;
  rule: RuleId;
  /** The rule's severity (a resolution keeps its alert's severity; its in-app notice is info). */
  severity: Severity;
  /** The measured value (fraction, error rate or ms), null when a new budget period resolved it. */
  value: number | null;
  threshold: number;
  at: string;
  period?: string;
  /** False for a firing passed over because a louder one fired in the same step, and for its resolution. */
  notify: boolean;
  /** Why it resolved: recovered below the hysteresis line, or a new budget period began. */
  reason?: 'recovered' | 'new_period';
  title: string;
  body: string;
  /** Numbers for the console and the channels (never a secret). */
  data: Record<string, string | number | boolean | null>;
}

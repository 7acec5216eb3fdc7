/**
 * What the agent detail's observation tabs carry: Metrics (totals and a bucketed series from the
 * telemetry rollups), Logs (the active deployment's lines), Policies (the active version's rules
 * and a violation trend) and Schema & OpenAPI. Plain JSON, platform-free; times ISO-8601, money USD.
 */

/** The Metrics tab's time windows: minute buckets for the hour, hour buckets beyond. */
export type MetricsWindow = '1h' | '24h' | '7d' | '30d';

export const METRICS_WINDOWS: readonly MetricsWindow[] = ['1h', '24h', '7d', '30d'];

/** What a stretch of time's runs add up to: the figures a bucket and the whole window share. */
export interface MetricsFigures {
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** Totals over the window. */
export interface MetricsTotals extends MetricsFigures {
  /** errors / requests, or null without requests. */
  errorRate: number | null;
  /** Requests per second over the whole window. */
  throughputPerSecond: number;
  costPerRequestUsd: number | null;
}

/** One bucket of the series; a bucket without traffic has zeros and null latencies. */
export interface MetricsPoint extends MetricsFigures {
  /** Start of the bucket, ISO. */
  start: string;
}

/** `metrics:agent`: one agent's metrics over a window. */
export interface AgentMetricsReport {
  agent: string;
  window: MetricsWindow;
  /** [from, to), whole buckets; `to` is the end of the current bucket. */
  from: string;
  to: string;
  bucket: 'minute' | 'hour';
  totals: MetricsTotals;
  /** Every bucket of the window, oldest first (gaps filled). */
  series: MetricsPoint[];
  /** The live budget (all replicas' limits), or null limit when none is set. */
  budget: { spentUsd: number; limitUsd: number | null; percent: number | null };
}

/** `logs:tail`: lines of the active deployment's replicas, in batches (the tail arrives as one). */
export interface LogTailBatch {
  lines: LogTailLine[];
}

export interface LogTailLine {
  replica: string;
  stream: 'stdout' | 'stderr';
  /** When the target read the line, ISO. */
  time: string;
  line: string;
  version: string;
}

/** What a policy rule is about; violations are counted by the same categories. */
export type PolicyCategory = 'pii' | 'injection' | 'tools' | 'output' | 'limits' | 'budget' | 'rate_limit' | 'auth' | 'other';

/** One rule of the active version, as a person reads it. */
export interface PolicyRule {
  /** The Dockfile path or runtime rule name, e.g. `safety.block_prompt_injection`. */
  id: string;
  category: PolicyCategory;
  title: string;
  /** What the runtime does, in one sentence. */
  detail: string;
  /** Off rules are listed too (a person asks "is injection blocking on?"). */
  enabled: boolean;
  /** Patterns, tools, limits…: the rule's values, shown as code. */
  values?: string[];
  /** Violations of this rule in the trend's 24 hours. */
  violations: number;
}

/** One hour of violations. */
export interface ViolationBucket {
  start: string;
  total: number;
  byCategory: Partial<Record<PolicyCategory, number>>;
}

/** One recent violation: the rule and what was done, never a matched value. */
export interface PolicyViolation {
  time: string;
  category: PolicyCategory;
  rule: string;
  action: string;
  stage: string | null;
  count: number;
  traceId: string | null;
}

/** `policies:get`: the active version's rules and the last 24 hours of violations. */
export interface AgentPolicies {
  agent: string;
  /** The version the rules come from (the active one, else the newest), or null before a first deploy. */
  version: string | null;
  /** `block` when `halt_on_violation` is set: any finding refuses the request; else findings are redacted. */
  mode: 'redact' | 'block';
  rules: PolicyRule[];
  trend: {
    from: string;
    to: string;
    /** One per hour, oldest first. */
    buckets: ViolationBucket[];
    total: number;
    byCategory: Partial<Record<PolicyCategory, number>>;
    /** False when there were more events than one answer reads (the newest hours are then short). */
    complete: boolean;
  };
  /** Newest first, at most 50. */
  recent: PolicyViolation[];
}

/** An endpoint of the OpenAPI document. */
export interface OpenApiEndpoint {
  method: string;
  path: string;
  operationId: string | null;
  summary: string | null;
  /** Whether a credential is needed (the document's security list is non-empty). */
  secured: boolean;
}

/** `agents:openapi`: the active version's schemas and OpenAPI 3.1 document. */
export interface AgentOpenApi {
  agent: string;
  version: string;
  /** `inline`: from the Dockfile; `runtime`: reported by the running replica (Pydantic classes); `unknown`: open objects until it runs. */
  schemaSource: 'inline' | 'runtime' | 'unknown';
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  openapi: Record<string, unknown>;
  endpoints: OpenApiEndpoint[];
  /** The running replica's base URL, where `/openapi.json` and `/docs` are served, or null. */
  endpoint: string | null;
}

/**
 * The offline demo's progress as the CLI prints it and the console shows it: one event per setup
 * step, per lead, per scripted incident, and the summary at the end (src-main/core/demo).
 */

export type DemoPace = 'fast' | 'presentation';

export type DemoIncidentKind = 'rate_limited' | 'breaker_open' | 'breaker_recovered' | 'key_rotated' | 'pii_redacted' | 'budget_warning' | 'agent_restarted';

export interface DemoLeadOutcome {
  index: number;
  total: number;
  leadId: string;
  name: string;
  company: string;
  /** `failed` only when the agent could not answer after its retries. */
  status: 'qualified' | 'disqualified' | 'failed';
  score?: number;
  /** Which tier answered each tool (`primary`, `cache`, `placeholder`). */
  sources: Record<string, string>;
  latencyMs: number;
  costUsd: number;
  /** LLM spend of the run so far, and the budget. */
  spentUsd: number;
  budgetUsd: number;
  /** Times this lead was sent (more than 1 when the agent died while working on it). */
  attempts: number;
  error?: string;
}

export interface DemoIncident {
  kind: DemoIncidentKind;
  /** The lead it happened at. */
  lead: number;
  message: string;
  data?: Record<string, unknown>;
}

export interface DemoSummary {
  agent: string;
  /** Short run id in the seed's format, e.g. `lg-7a3f9c2d`. */
  runId: string;
  version: string;
  deploymentId: string;
  leads: number;
  processed: number;
  succeeded: number;
  qualified: number;
  failed: number;
  /** succeeded / processed. */
  successRate: number;
  /** Wall time of the leads, not counting the presenter's pauses. */
  durationMs: number;
  leadsPerHour: number;
  latencyMs: { p50: number; p95: number; p99: number };
  spentUsd: number;
  budgetUsd: number;
  averagePerLeadUsd: number;
  costByModel: { model: string; calls: number; costUsd: number }[];
  /** Tool calls by tier, per tool: `{ linkedin: { primary: 33, cache: 27 } }`. */
  sources: Record<string, Record<string, number>>;
  savings: {
    /** LinkedIn calls the open circuit kept from the rate-limited API, and what they would have cost. */
    blockedCalls: number;
    blockedUsd: number;
    /** Company lookups answered from the agent's cache. */
    cacheHits: number;
    cacheUsd: number;
    /** Prompt tokens the provider served from its cache, and what the discount saved. */
    cachedPromptTokens: number;
    promptCacheUsd: number;
    totalUsd: number;
  };
  incidents: DemoIncident[];
  restarts: number;
}

export type DemoEvent =
  | { kind: 'step'; message: string }
  | { kind: 'started'; agent: string; runId: string; version: string; deploymentId: string; endpoint: string; budgetUsd: number; leads: number; pace: DemoPace; variant: 'javascript' | 'python' }
  | { kind: 'lead'; lead: DemoLeadOutcome }
  | { kind: 'incident'; incident: DemoIncident }
  | { kind: 'summary'; summary: DemoSummary }
  /** The run stopped after lead `afterLead`: at a scripted incident, or because the presenter asked. */
  | { kind: 'paused'; afterLead: number; reason: 'incident' | 'presenter' }
  | { kind: 'resumed'; afterLead: number; pausedMs: number };

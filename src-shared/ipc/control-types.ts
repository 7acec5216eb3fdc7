/**
 * The control panel's data (seed 002 #19–24): the numbers of one agent or the whole fleet, the
 * in-app notifications, and an approved budget increase. Counters are "since the deployment went
 * live" (the budget period: each runtime meters its spend from its start), so spend, runs and
 * protection counts line up with what the runtime enforces. Money is USD, times ISO-8601.
 */
import type { AgentHealth, TargetKind } from './console-types';

/** The latest progress an agent reported (`23 / 100 leads`), and its first report of the period (for the rate). */
export interface AgentProgress {
  done: number;
  total: number;
  unit: string;
  at: string;
  firstDone: number;
  firstAt: string;
}

/** Spend of one model since the period began. */
export interface ModelSpend {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * What grows with runtime events: folded from the stored events by main and patched by live
 * `telemetry:events` in the renderer, with the same function (control-fold.ts).
 */
export interface ControlCounters {
  /** Finished runs (`run_end`), and those that succeeded. */
  runs: number;
  runsOk: number;
  /** Priced model calls (`llm_call`) and what they cost. */
  llmCalls: number;
  spendUsd: number;
  byModel: ModelSpend[];
  /** Input tokens of model calls, and the part served from the provider's prompt cache. */
  inputTokens: number;
  cachedInputTokens: number;
  /** Personal-data values redacted or refused (the policy engine's PII findings). */
  piiBlocked: number;
  /** Tool calls the policy denied before they ran. */
  unauthorizedTools: number;
  /** Inputs flagged as prompt injection (refused, or reported in warn mode). */
  injectionAttempts: number;
  /** Model calls the budget refused. */
  budgetBlocked: number;
  /** By agent name. */
  progress: Record<string, AgentProgress>;
}

/** On track: the month-end projection fits the limit; at risk: it does not; over: the limit is reached. */
export type BudgetStatus = 'on_track' | 'at_risk' | 'over' | 'no_limit';

/** One agent's live state on the panel. */
export interface ControlAgentStatus {
  agent: string;
  health: AgentHealth;
  version: string | null;
  target: TargetKind | null;
  replicasReady: number;
  replicasWanted: number;
  /** When the active deployment went live: where the counters start. */
  since: string | null;
  /** Per replica; null without a limit. */
  budgetLimitUsd: number | null;
  /** Where the limit comes from: an approved increase (`override`), the deploy, or none. */
  budgetSource: 'override' | 'deploy' | 'none';
  budgetApprovedBy: string | null;
  budgetApprovedAt: string | null;
}

export interface ControlSnapshot {
  /** The agent the snapshot is about, or null for the whole fleet. */
  agent: string | null;
  /** When main computed it. */
  at: string;
  agents: ControlAgentStatus[];
  counters: ControlCounters;
  /** False when an agent had more events than one snapshot reads (counters are then short). */
  complete: boolean;
  cost: {
    /** What the agents may spend in all (each replica's limit, summed over agents that have one); null when none has. */
    limitUsd: number | null;
    /** The spend of the period over its length, per hour, and run over the current UTC month. */
    spendRateUsdPerHour: number;
    projectedMonthUsd: number;
    monthEnd: string;
    /** When the limit runs out at this rate (now when it already has), or null. */
    budgetExhaustedAt: string | null;
  };
  performance: {
    /** Runs per hour and latency percentiles over the last hour (telemetry rollups). */
    windowFrom: string;
    requests: number;
    runsPerHour: number;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    /** Share of the period the agents were up (health transitions), 0–100; null before a deployment. */
    uptimePercent: number | null;
  };
}

/** A budget increase the console offers on a notification (seed 002 #11: "Approve $25 increase"). */
export interface NotificationAction {
  kind: 'increase_budget';
  agent: string;
  /** The highest per-replica limit the agent's deployments enforce now. */
  currentLimitUsd: number | null;
  suggestedLimitUsd: number;
}

/** One in-app notification (seed 002 #24). */
export interface NotificationRow {
  id: number;
  agent: string | null;
  /** Who produced it: `alert:budget_warning`, `breaker`, `pii`, `health`, … */
  source: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  body: string;
  /** Numbers and context; never a secret or a matched value. */
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
  action: NotificationAction | null;
}

export type NotificationChange = { type: 'added'; notification: NotificationRow } | { type: 'dismissed'; ids: number[] };

/** What `budget:raise` did, per active deployment. */
export interface BudgetRaiseResult {
  agent: string;
  limitUsd: number;
  deployments: { deploymentId: string; version: string; target: TargetKind; previousLimitUsd: number | null; reloaded: boolean; error?: string }[];
}

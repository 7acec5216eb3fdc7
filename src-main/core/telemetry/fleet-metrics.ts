/**
 * Per-agent metrics over a window, for one agent or the whole fleet: the rollup summary (requests,
 * throughput, error rate, p50/p95/p99, tokens, spend), cost per unit, budget and projection.
 * The fleet is two queries (agents, rollups) whatever its size; budgets come from memory.
 */
import type { Agent } from '../store/agents-repository';
import type { Repositories } from '../store';
import type { TelemetrySummary } from '../store/telemetry-repository';
import type { AgentBudget } from './metrics-scraper';

/** Spend projected to the end of the budget period (README.md: why the calendar month). */
export interface SpendProjection {
  period: 'month';
  /** The current UTC calendar month, [start, end). */
  periodStart: string;
  periodEnd: string;
  /** The window's spend per hour. */
  spendRateUsdPerHour: number;
  /** The window's rate over the whole month (a run rate). */
  projectedPeriodUsd: number;
  /** When the live budget runs out at this rate (now if it already has), or null without a limit or spend. */
  budgetExhaustedAt: string | null;
}

/** Everything the fleet view and the export show for one agent. */
export interface AgentMetrics extends Omit<TelemetrySummary, 'from' | 'to'> {
  agentId: string;
  agent: string;
  from: string;
  to: string;
  /** costUsd / requests. */
  costPerRequestUsd: number | null;
  /** costUsd per 1,000 tokens (input + output). */
  costPer1kTokensUsd: number | null;
  budget: AgentBudget;
  projection: SpendProjection;
}

const NO_BUDGET: AgentBudget = { spentUsd: 0, limitUsd: null, percent: null, replicas: 0, source: 'none' };

/** The UTC calendar month containing `ms`. */
export function monthOf(ms: number): { start: number; end: number } {
  const date = new Date(ms);
  return { start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
}

/** Combines one agent's summary and budget into AgentMetrics. */
export function agentMetrics(agent: Pick<Agent, 'id' | 'name'>, summary: TelemetrySummary, budget: AgentBudget, now: number): AgentMetrics {
  const windowSeconds = Math.max(1, (Date.parse(summary.to) - Date.parse(summary.from)) / 1000);
  const ratePerSecond = summary.costUsd / windowSeconds;
  const month = monthOf(now);
  let exhaustedAt: string | null = null;
  if (budget.limitUsd !== null) {
    const remaining = budget.limitUsd - budget.spentUsd;
    if (remaining <= 0) exhaustedAt = new Date(now).toISOString();
    else if (ratePerSecond > 0) exhaustedAt = new Date(Math.min(8.64e15, now + (remaining / ratePerSecond) * 1000)).toISOString();
  }
  const tokens = summary.tokensIn + summary.tokensOut;
  return {
    agentId: agent.id,
    agent: agent.name,
    ...summary,
    costPerRequestUsd: summary.requests ? summary.costUsd / summary.requests : null,
    costPer1kTokensUsd: tokens ? (summary.costUsd / tokens) * 1000 : null,
    budget,
    projection: {
      period: 'month',
      periodStart: new Date(month.start).toISOString(),
      periodEnd: new Date(month.end).toISOString(),
      spendRateUsdPerHour: ratePerSecond * 3600,
      projectedPeriodUsd: ratePerSecond * ((month.end - month.start) / 1000),
      budgetExhaustedAt: exhaustedAt,
    },
  };
}

/** A summary with nothing in it (an agent without traffic in the window). */
export function emptySummary(window: { from: string; to: string }): TelemetrySummary {
  return { from: window.from, to: window.to, requests: 0, errors: 0, errorRate: null, throughputPerSecond: 0, p50Ms: null, p95Ms: null, p99Ms: null, meanLatencyMs: null, tokensIn: 0, tokensOut: 0, costUsd: 0 };
}

/** Metrics of every live agent (or the named ids), sorted by name: one agents query, one rollup query. */
export function fleetMetrics(repositories: Repositories, window: { from: string; to: string }, budgetOf: (agentId: string) => AgentBudget | undefined, options: { now: number; agentIds?: readonly string[] }): AgentMetrics[] {
  const wanted = options.agentIds ? new Set(options.agentIds) : undefined;
  const agents = repositories.agents.list().filter((agent) => !wanted || wanted.has(agent.id));
  const summaries =
    agents.length === 1 && agents[0] ? new Map([[agents[0].id, repositories.telemetry.summarize(agents[0].id, window)]]) : repositories.telemetry.summarizeFleet(window);
  return agents.map((agent) => agentMetrics(agent, summaries.get(agent.id) ?? emptySummary(window), budgetOf(agent.id) ?? NO_BUDGET, options.now));
}

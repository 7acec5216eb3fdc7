/**
 * Samples from the store's telemetry rollups: error rate and p95 over the window, and spend
 * since the budget period began. The engine needs nothing else, so whichever ingest fills the
 * rollups (the runtimes' /events streams) drives the alerts.
 */
import { toIso } from '../store/clock';
import type { TelemetrySummary } from '../store/telemetry-repository';
import type { AgentHealthSample } from './alert-types';

/** The part of TelemetryRepository the adapter reads. */
export interface TelemetrySummarySource {
  summarize(agentId: string, window: { from: string; to: string }): TelemetrySummary;
}

/** An agent's budget: the limit, and when and under what name the current period began (e.g. the active deployment). */
export interface BudgetPeriod {
  limitUsd: number | null;
  /** ISO-8601; spend is summed from here. */
  startedAt: string;
  /** A new name re-arms the budget alerts. */
  period: string;
}

/** One sample for one agent at `nowMs`. */
export function sampleFromTelemetry(
  telemetry: TelemetrySummarySource,
  input: { agentId: string; agentName: string; nowMs: number; windowMs: number; budget?: BudgetPeriod },
): AgentHealthSample {
  const to = toIso(input.nowMs);
  const recent = telemetry.summarize(input.agentId, { from: toIso(input.nowMs - input.windowMs), to });
  const spendUsd = input.budget ? telemetry.summarize(input.agentId, { from: input.budget.startedAt, to }).costUsd : recent.costUsd;
  return {
    agentId: input.agentId,
    agentName: input.agentName,
    at: to,
    windowMs: input.windowMs,
    requests: recent.requests,
    errors: recent.errors,
    errorRate: recent.errorRate,
    p95Ms: recent.p95Ms,
    spendUsd,
    budgetLimitUsd: input.budget?.limitUsd ?? null,
    ...(input.budget ? { budgetPeriod: input.budget.period } : {}),
  };
}

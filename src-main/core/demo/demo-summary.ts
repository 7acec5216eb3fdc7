/**
 * The demo's closing numbers (seed 002: leads processed, success rate, throughput, latency
 * percentiles, cost and average per lead, cost by model, and what caching and the circuit breaker
 * saved against a run without them), from the driver's ledger and the world's own accounts.
 */
import type { DemoIncident, DemoLeadOutcome, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { percentiles } from '../../../src-shared/util/percentiles';
import type { DemoWorldStats } from './demo-world';

/** List prices of one data-provider call (the agent's tools.mjs uses the same). */
const LINKEDIN_CALL_USD = 0.1;
const CLEARBIT_CALL_USD = 0.05;

export interface DemoSummaryInput {
  agent: string;
  runId: string;
  version: string;
  deploymentId: string;
  /** Leads in the run. */
  leads: number;
  outcomes: readonly DemoLeadOutcome[];
  incidents: readonly DemoIncident[];
  durationMs: number;
  world: DemoWorldStats;
  budgetUsd: number;
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

/** The summary of a finished run. */
export function summarizeDemo(input: DemoSummaryInput): DemoSummary {
  const { outcomes, world } = input;
  const succeeded = outcomes.filter((outcome) => outcome.status !== 'failed');
  const { p50, p95, p99 } = percentiles(succeeded.map((outcome) => outcome.latencyMs));
  const spentUsd = outcomes.reduce((sum, outcome) => sum + outcome.costUsd, 0);
  const sources: Record<string, Record<string, number>> = {};
  for (const outcome of succeeded) {
    for (const [tool, tier] of Object.entries(outcome.sources)) {
      const perTool = (sources[tool] ??= {});
      perTool[tier] = (perTool[tier] ?? 0) + 1;
    }
  }
  const notLive = (tool: string): number => Object.entries(sources[tool] ?? {}).reduce((sum, [tier, count]) => (tier === 'primary' ? sum : sum + count), 0);
  // Leads served by the snapshot without LinkedIn being called at all: the circuit was open.
  const blockedCalls = Math.max(0, notLive('linkedin') - world.linkedin.rateLimitedLeads);
  const cacheHits = sources.clearbit?.cache ?? 0;
  const promptCacheUsd = Object.values(world.model.byModel).reduce((sum, entry) => sum + entry.cacheSavedUsd, 0);
  const savings = {
    blockedCalls,
    blockedUsd: cents(blockedCalls * LINKEDIN_CALL_USD),
    cacheHits,
    cacheUsd: cents(cacheHits * CLEARBIT_CALL_USD),
    cachedPromptTokens: Object.values(world.model.byModel).reduce((sum, entry) => sum + entry.cachedTokens, 0),
    promptCacheUsd: cents(promptCacheUsd),
    totalUsd: 0,
  };
  savings.totalUsd = cents(savings.blockedUsd + savings.cacheUsd + savings.promptCacheUsd);
  return {
    agent: input.agent,
    runId: input.runId,
    version: input.version,
    deploymentId: input.deploymentId,
    leads: input.leads,
    processed: outcomes.length,
    succeeded: succeeded.length,
    qualified: outcomes.filter((outcome) => outcome.status === 'qualified').length,
    failed: outcomes.length - succeeded.length,
    successRate: outcomes.length === 0 ? 0 : succeeded.length / outcomes.length,
    durationMs: input.durationMs,
    leadsPerHour: input.durationMs > 0 ? Math.round((outcomes.length * 3_600_000) / input.durationMs) : 0,
    latencyMs: { p50, p95, p99 },
    spentUsd: cents(spentUsd),
    budgetUsd: input.budgetUsd,
    averagePerLeadUsd: outcomes.length === 0 ? 0 : cents(spentUsd / outcomes.length),
    costByModel: Object.entries(world.model.byModel)
      .map(([model, entry]) => ({ model, calls: entry.calls, costUsd: cents(entry.costUsd) }))
      .sort((a, b) => b.costUsd - a.costUsd),
    sources,
    savings,
    incidents: [...input.incidents],
    // The driver reports every restart it waited for as an incident.
    restarts: input.incidents.filter((incident) => incident.kind === 'agent_restarted').length,
  };
}

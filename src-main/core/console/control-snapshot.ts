/**
 * `control:snapshot`: the control panel's numbers for one agent or the whole fleet (seed 002
 * #19–22). Status from the fleet rows; budgets from the deployments (an approved increase, else
 * the deploy's runtime.json); counters folded from the stored events of each agent's period (since
 * its active deployment went live: the runtime's budget period) with the fold the renderer uses on
 * live events (src-shared/ipc/control-fold.ts); latency and throughput from the last hour's
 * rollups; the month-end projection from fleet-metrics' `agentMetrics`; uptime from the health
 * transitions monitoring records.
 *
 * The counters are read last, synchronously, after every await: no live event can be fanned out
 * between that read and the answer, so a renderer that patches the answer with the events that
 * follow it counts each event exactly once.
 */
import { CONTROL_EVENT_TYPES, emptyCounters, foldControlEvents } from '../../../src-shared/ipc/control-fold';
import type { ControlEventInput } from '../../../src-shared/ipc/control-fold';
import type { AgentRow } from '../../../src-shared/ipc/console-types';
import type { ControlAgentStatus, ControlCounters, ControlSnapshot } from '../../../src-shared/ipc/control-types';
import type { ControlPlane } from '../control-plane';
import type { BudgetOverrides, DeploymentBudget } from '../controller/budget-overrides';
import { agentMetrics, emptySummary, monthOf } from '../telemetry/fleet-metrics';
import type { AgentMetrics } from '../telemetry/fleet-metrics';
import { fleetRows } from './fleet-rows';
import { uptimePercent } from './uptime';

const HOUR_MS = 3_600_000;
/** Events read per page, and pages per agent at most (a page is the repository's cap). */
const EVENTS_PAGE = 10_000;
const EVENT_PAGES = 20;

/** The snapshot of `agentName`, or of every agent when it is undefined. */
export async function controlSnapshot(plane: ControlPlane, budgets: BudgetOverrides, options: { agentName?: string; now?: number } = {}): Promise<ControlSnapshot> {
  const agentIds = options.agentName === undefined ? undefined : [plane.repositories.agents.require(options.agentName).id];
  const rows = await fleetRows(plane, agentIds ? { agentIds } : {});
  const budgetsByAgent = new Map<string, DeploymentBudget[]>(await Promise.all(rows.map(async (row) => [row.agentId, row.deploymentId ? await budgets.current(row.agent) : []] as const)));

  // From here on, nothing awaits (see the header).
  const now = options.now ?? Date.now();
  const telemetry = plane.telemetry();
  telemetry.flush();
  const hour = { from: new Date(now - HOUR_MS).toISOString(), to: new Date(now).toISOString() };
  const lastHour = new Map(telemetry.metrics(hour, { agentIds: rows.map((row) => row.agentId) }).map((entry) => [entry.agentId, entry]));
  let counters = emptyCounters();
  let complete = true;
  const perAgent: { status: ControlAgentStatus; limitUsd: number | null; spendUsd: number; uptime: number | null; periodMs: number }[] = [];
  for (const row of rows) {
    const deploymentBudgets = budgetsByAgent.get(row.agentId) ?? [];
    const status = agentStatus(row, deploymentBudgets);
    const read = row.activeSince ? readPeriodCounters(plane, row, row.activeSince, now) : { counters: emptyCounters(), complete: true };
    complete &&= read.complete;
    counters = foldCounters(counters, read.counters);
    const limited = deploymentBudgets.filter((budget) => budget.limitUsd !== null);
    perAgent.push({
      status,
      limitUsd: limited.length ? limited.reduce((sum, budget) => sum + (budget.limitUsd ?? 0) * budget.replicas, 0) : null,
      spendUsd: read.counters.spendUsd,
      uptime: uptimePercent(healthChanges(plane, row), row.activeSince, now),
      periodMs: row.activeSince ? Math.max(0, now - Date.parse(row.activeSince)) : 0,
    });
  }

  const projections = perAgent.map(({ status, limitUsd, spendUsd }) => projectionOf(status, limitUsd, spendUsd, now));
  const limits = perAgent.filter((entry) => entry.limitUsd !== null);
  const limitUsd = limits.length ? limits.reduce((sum, entry) => sum + (entry.limitUsd ?? 0), 0) : null;
  const spendRateUsdPerHour = projections.reduce((sum, projection) => sum + projection.projection.spendRateUsdPerHour, 0);
  const spentUsd = counters.spendUsd;
  const exhaustedAt =
    limitUsd === null ? null : spentUsd >= limitUsd ? new Date(now).toISOString() : spendRateUsdPerHour > 0 ? new Date(Math.min(8.64e15, now + ((limitUsd - spentUsd) / spendRateUsdPerHour) * HOUR_MS)).toISOString() : null;
  const hourEntries = [...lastHour.values()];
  const timed = perAgent.filter((entry) => entry.uptime !== null && entry.periodMs > 0);
  const totalPeriod = timed.reduce((sum, entry) => sum + entry.periodMs, 0);
  return {
    agent: options.agentName ?? null,
    at: new Date(now).toISOString(),
    agents: perAgent.map((entry) => entry.status),
    counters,
    complete,
    cost: {
      limitUsd,
      spendRateUsdPerHour,
      projectedMonthUsd: projections.reduce((sum, projection) => sum + projection.projection.projectedPeriodUsd, 0),
      monthEnd: new Date(monthOf(now).end).toISOString(),
      budgetExhaustedAt: exhaustedAt,
    },
    performance: {
      windowFrom: hour.from,
      requests: hourEntries.reduce((sum, entry) => sum + entry.requests, 0),
      runsPerHour: hourEntries.reduce((sum, entry) => sum + entry.requests, 0),
      // One agent: its own percentiles. The fleet: the slowest agent's (percentiles do not add up).
      p50Ms: worst(hourEntries, 'p50Ms'),
      p95Ms: worst(hourEntries, 'p95Ms'),
      p99Ms: worst(hourEntries, 'p99Ms'),
      uptimePercent: totalPeriod > 0 ? timed.reduce((sum, entry) => sum + (entry.uptime ?? 0) * entry.periodMs, 0) / totalPeriod : timed.length ? 100 : null,
    },
  };
}

function agentStatus(row: AgentRow, budgets: readonly DeploymentBudget[]): ControlAgentStatus {
  const limits = budgets.map((budget) => budget.limitUsd).filter((limit): limit is number => limit !== null);
  const override = budgets.find((budget) => budget.source === 'override');
  return {
    agent: row.agent,
    health: row.health,
    version: row.version,
    target: row.target,
    replicasReady: row.replicasReady,
    replicasWanted: row.replicasWanted,
    since: row.activeSince,
    budgetLimitUsd: limits.length ? Math.max(...limits) : null,
    budgetSource: override ? 'override' : limits.length ? 'deploy' : 'none',
    budgetApprovedBy: override?.approvedBy ?? null,
    budgetApprovedAt: override?.approvedAt ?? null,
  };
}

/** The agent's counters since `since`, read a page at a time. */
function readPeriodCounters(plane: ControlPlane, row: AgentRow, since: string, now: number): { counters: ControlCounters; complete: boolean } {
  let counters = emptyCounters();
  let from = since;
  // Events at a page's last timestamp may continue on the next page: those already read are skipped.
  let seenAtFrom = new Set<number>();
  const to = new Date(now + 1).toISOString();
  for (let page = 0; page < EVENT_PAGES; page++) {
    const events = plane.repositories.telemetry.events(row.agentId, { types: CONTROL_EVENT_TYPES, from, to, limit: EVENTS_PAGE });
    const fresh = events.filter((event) => !(event.time === from && seenAtFrom.has(event.id)));
    counters = foldControlEvents(
      counters,
      fresh.map((event): ControlEventInput => ({ agent: row.agent, type: event.type, time: event.time, data: event.data })),
    );
    if (events.length < EVENTS_PAGE) return { counters, complete: true };
    const last = events[events.length - 1]!;
    seenAtFrom = new Set(events.filter((event) => event.time === last.time).map((event) => event.id));
    if (last.time === from) break;
    from = last.time;
  }
  return { counters, complete: false };
}

/** Two agents' counters added up (agents never share a progress key: it is the agent's name). */
function foldCounters(total: ControlCounters, add: ControlCounters): ControlCounters {
  const byModel = new Map(total.byModel.map((entry) => [entry.model, { ...entry }]));
  for (const entry of add.byModel) {
    const current = byModel.get(entry.model);
    if (!current) byModel.set(entry.model, { ...entry });
    else {
      current.calls += entry.calls;
      current.inputTokens += entry.inputTokens;
      current.outputTokens += entry.outputTokens;
      current.costUsd += entry.costUsd;
    }
  }
  return {
    runs: total.runs + add.runs,
    runsOk: total.runsOk + add.runsOk,
    llmCalls: total.llmCalls + add.llmCalls,
    spendUsd: total.spendUsd + add.spendUsd,
    byModel: [...byModel.values()].sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model)),
    inputTokens: total.inputTokens + add.inputTokens,
    cachedInputTokens: total.cachedInputTokens + add.cachedInputTokens,
    piiBlocked: total.piiBlocked + add.piiBlocked,
    unauthorizedTools: total.unauthorizedTools + add.unauthorizedTools,
    injectionAttempts: total.injectionAttempts + add.injectionAttempts,
    budgetBlocked: total.budgetBlocked + add.budgetBlocked,
    progress: { ...total.progress, ...add.progress },
  };
}

/** fleet-metrics' projection over the agent's period, with the period's spend. */
function projectionOf(status: ControlAgentStatus, limitUsd: number | null, spendUsd: number, now: number): AgentMetrics {
  const window = { from: status.since ?? new Date(now).toISOString(), to: new Date(now).toISOString() };
  const summary = { ...emptySummary(window), costUsd: spendUsd };
  const percent = limitUsd !== null ? (limitUsd > 0 ? (spendUsd / limitUsd) * 100 : 100) : null;
  return agentMetrics({ id: status.agent, name: status.agent }, summary, { spentUsd: spendUsd, limitUsd, percent, replicas: status.replicasWanted, source: 'runtime' }, now);
}

/** The health transitions monitoring recorded for the agent since its deployment went live. */
function healthChanges(plane: ControlPlane, row: AgentRow): { at: string; to: string }[] {
  if (!row.activeSince) return [];
  const since = row.activeSince;
  return plane
    .alerts()
    .notifications.list({ agentId: row.agentId, limit: 1000 })
    .filter((notification) => notification.source === 'health' && notification.createdAt >= since && typeof notification.data.to === 'string')
    .map((notification) => ({ at: notification.createdAt, to: notification.data.to as string }));
}

function worst(entries: readonly AgentMetrics[], key: 'p50Ms' | 'p95Ms' | 'p99Ms'): number | null {
  const values = entries.map((entry) => entry[key]).filter((value): value is number => value !== null);
  return values.length ? Math.max(...values) : null;
}

/**
 * Scrapes each replica's `/metrics` and keeps the latest reading per replica process, in memory:
 * what changes over time (spend, budget warnings, breaker transitions) already arrives as events
 * and is stored; the scrape adds the current gauges — budget spend and limit, breaker states,
 * requests in flight — that the fleet view and alerts read now.
 */
import { METRIC } from '../../runtime/telemetry/metric-names';
import { CONTROL_TOKEN_HEADER, errorDetail } from './event-stream-client';
import { parsePrometheusText } from './prometheus-parser';
import type { PrometheusSample } from './prometheus-parser';
import type { ReplicaRef } from './replica-subscription';
import { errorMessage } from '../contracts';

export type BreakerState = 'CLOSED' | 'HALF_OPEN' | 'OPEN';

/** One replica's latest scrape. */
export interface ReplicaScrape {
  source: string;
  agentId: string;
  deploymentId: string;
  replicaId: string;
  endpoint: string;
  /** ISO time of the scrape. */
  at: string;
  ok: boolean;
  error?: string;
  up?: number;
  /** US dollars spent since the replica started (its budget counts from then). */
  budgetSpentUsd?: number;
  /** The replica's limit; absent when it has none or has made no LLM call yet. */
  budgetLimitUsd?: number;
  inflightRequests?: number;
  requestsTotal?: number;
  runCostUsdTotal?: number;
  breakers: Record<string, BreakerState>;
  /** Sample lines the parser could not read. */
  invalidLines: number;
}

/** Budget of one agent across its live replicas. */
export interface AgentBudget {
  spentUsd: number;
  /** Sum of the replicas' limits (what the agent may spend in all), or null when none is known. */
  limitUsd: number | null;
  /** The highest replica's spend/limit × 100: each replica enforces its own limit. */
  percent: number | null;
  replicas: number;
  /** `runtime`: from the gauges; `settings`: limit from runtime.json, spend from the gauges or 0. */
  source: 'runtime' | 'settings' | 'none';
}

const BREAKER_NAMES: Record<number, BreakerState> = { 0: 'CLOSED', 1: 'HALF_OPEN', 2: 'OPEN' };

/** GETs and parses one replica's /metrics; never throws. */
export async function scrapeReplica(ref: ReplicaRef, token: string | undefined, options: { timeoutMs?: number; clock?: () => number } = {}): Promise<ReplicaScrape> {
  const at = new Date((options.clock ?? Date.now)()).toISOString();
  const base = { source: ref.source, agentId: ref.agentId, deploymentId: ref.deploymentId, replicaId: ref.replicaId, endpoint: ref.endpoint, at, breakers: {}, invalidLines: 0 };
  if (token === undefined) return { ...base, ok: false, error: `no control token for deployment ${ref.deploymentId}; redeploy the agent` };
  try {
    const response = await fetch(new URL('/metrics', ref.endpoint), { headers: { [CONTROL_TOKEN_HEADER]: token }, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    const text = await response.text();
    if (!response.ok) return { ...base, ok: false, error: `GET ${ref.endpoint}/metrics answered ${response.status}: ${errorDetail(text)}` };
    const parsed = parsePrometheusText(text);
    return { ...base, ok: true, ...readGauges(parsed.samples), invalidLines: parsed.invalidLines };
  } catch (error) {
    return { ...base, ok: false, error: `cannot scrape ${ref.endpoint}/metrics: ${errorMessage(error)}` };
  }
}

/** The gauges the control plane reads from a scrape. */
export function readGauges(samples: readonly PrometheusSample[]): Pick<ReplicaScrape, 'up' | 'budgetSpentUsd' | 'budgetLimitUsd' | 'inflightRequests' | 'requestsTotal' | 'runCostUsdTotal' | 'breakers'> {
  const out: ReturnType<typeof readGauges> = { breakers: {} };
  let requests: number | undefined;
  for (const sample of samples) {
    switch (sample.name) {
      case METRIC.up:
        out.up = sample.value;
        break;
      case METRIC.budgetSpent:
        out.budgetSpentUsd = sample.value;
        break;
      case METRIC.budgetLimit:
        out.budgetLimitUsd = sample.value;
        break;
      case METRIC.inflightRequests:
        out.inflightRequests = sample.value;
        break;
      case METRIC.runCost:
        out.runCostUsdTotal = sample.value;
        break;
      case METRIC.requests:
        requests = (requests ?? 0) + sample.value;
        break;
      case METRIC.breakerState: {
        const state = BREAKER_NAMES[sample.value];
        const service = sample.labels.service;
        if (state && service !== undefined) Object.defineProperty(out.breakers, service, { value: state, enumerable: true, writable: true, configurable: true });
        break;
      }
      default:
    }
  }
  if (requests !== undefined) out.requestsTotal = requests;
  return out;
}

/**
 * An agent's budget from its replicas' latest scrapes and, for the limit, the deployment's
 * settings (`runtime.json` budget.limitUsd, per replica) when the gauges do not carry one yet.
 */
export function agentBudget(scrapes: readonly Pick<ReplicaScrape, 'ok' | 'budgetSpentUsd' | 'budgetLimitUsd'>[], settingsLimitUsd: number | undefined): AgentBudget {
  const live = scrapes.filter((scrape) => scrape.ok);
  if (live.length === 0 && settingsLimitUsd === undefined) return { spentUsd: 0, limitUsd: null, percent: null, replicas: 0, source: 'none' };
  let spent = 0;
  let limit = 0;
  let anyLimit = false;
  let highest: number | null = null;
  let fromSettings = false;
  for (const scrape of live) {
    const replicaSpent = scrape.budgetSpentUsd ?? 0;
    const replicaLimit = scrape.budgetLimitUsd ?? settingsLimitUsd;
    if (scrape.budgetLimitUsd === undefined && settingsLimitUsd !== undefined) fromSettings = true;
    spent += replicaSpent;
    if (replicaLimit === undefined) continue;
    anyLimit = true;
    limit += replicaLimit;
    const percent = replicaLimit > 0 ? (replicaSpent / replicaLimit) * 100 : 100;
    highest = highest === null ? percent : Math.max(highest, percent);
  }
  if (live.length === 0) return { spentUsd: 0, limitUsd: settingsLimitUsd ?? null, percent: null, replicas: 0, source: 'settings' };
  return { spentUsd: spent, limitUsd: anyLimit ? limit : null, percent: highest, replicas: live.length, source: fromSettings ? 'settings' : 'runtime' };
}

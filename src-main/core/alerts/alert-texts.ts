/**
 * What an alert says. Built only from the agent's name, the rule and numbers, so no text can
 * carry a secret (seed 002: alerts go to e-mail and chat, outside the vault's protection).
 */
import { formatUsd } from '../../../src-shared/pricing/format-usd';
import type { AgentHealthSample, RuleId, RuleParams } from './alert-types';

type Data = Record<string, string | number | boolean | null>;

/** A title, a body and numbers for the console. */
export interface AlertText {
  title: string;
  body: string;
  data: Data;
}

/** The increase an alert proposes (seed 002 #11: "Approve $25 increase" on a $50 budget): half the limit, in cents. */
export function suggestedIncreaseUsd(limitUsd: number): number {
  return Math.ceil(limitUsd * 50) / 100;
}

/** `25%`, `2.5%`: whole percent unless that would hide a small value. */
export function percent(fraction: number): string {
  const value = fraction * 100;
  return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : Number(value.toFixed(1))}%`;
}

/** `850 ms`, `7.2 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** `5 min`, `1 h`, `30 s`: the sample's window for a person. */
function windowText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** The text of a firing. */
export function firedText(rule: RuleId, sample: AgentHealthSample, params: RuleParams): AlertText {
  const name = sample.agentName;
  const over = `over the last ${windowText(sample.windowMs)}`;
  switch (rule) {
    case 'budget_warning':
    case 'budget_exceeded': {
      const limit = sample.budgetLimitUsd ?? 0;
      const increase = suggestedIncreaseUsd(limit);
      const spent = `${formatUsd(sample.spendUsd)} of the ${formatUsd(limit)} budget`;
      const data: Data = { spendUsd: sample.spendUsd, limitUsd: limit, ratio: limit > 0 ? sample.spendUsd / limit : null, action: 'increase_budget', suggestedIncreaseUsd: increase };
      if (rule === 'budget_exceeded') {
        return { title: `${name}: budget exhausted`, body: `LLM spend reached ${spent}: further model calls are refused. Suggested action: approve a ${formatUsd(increase)} increase.`, data };
      }
      return {
        title: `${name}: ${percent(params.threshold)} of the budget used`,
        body: `LLM spend is ${spent} (${percent(sample.spendUsd / limit)}). At 100% the agent's model calls are refused. Suggested action: approve a ${formatUsd(increase)} increase.`,
        data,
      };
    }
    case 'error_rate': {
      const rate = sample.errorRate ?? 0;
      return {
        title: `${name}: error rate ${percent(rate)}`,
        body: `${sample.errors} of ${sample.requests} requests failed ${over} (${percent(rate)}; alert threshold ${percent(params.threshold)}).`,
        data: { errorRate: rate, requests: sample.requests, errors: sample.errors, windowMs: sample.windowMs },
      };
    }
    case 'latency_p95': {
      const p95 = sample.p95Ms ?? 0;
      return {
        title: `${name}: p95 latency ${duration(p95)}`,
        body: `95th-percentile latency was ${duration(p95)} ${over} across ${sample.requests} requests (alert threshold ${duration(params.threshold)}).`,
        data: { p95Ms: p95, requests: sample.requests, windowMs: sample.windowMs },
      };
    }
  }
}

/** The text of a resolution. */
export function resolvedText(rule: RuleId, sample: AgentHealthSample, params: RuleParams, reason: 'recovered' | 'new_period'): AlertText {
  const name = sample.agentName;
  const over = `over the last ${windowText(sample.windowMs)}`;
  if (reason === 'new_period') {
    return { title: `${name}: new budget period`, body: `A new budget period began; the ${percent(params.threshold)} budget alert is armed again.`, data: { spendUsd: sample.spendUsd, limitUsd: sample.budgetLimitUsd } };
  }
  switch (rule) {
    case 'budget_warning':
    case 'budget_exceeded': {
      const limit = sample.budgetLimitUsd ?? 0;
      return {
        title: `${name}: budget below ${percent(params.threshold)} again`,
        body: `LLM spend is ${formatUsd(sample.spendUsd)} of the ${formatUsd(limit)} budget (${percent(sample.spendUsd / limit)}).`,
        data: { spendUsd: sample.spendUsd, limitUsd: limit },
      };
    }
    case 'error_rate':
      return {
        title: `${name}: error rate back to normal`,
        body: `${percent(sample.errorRate ?? 0)} of ${sample.requests} requests failed ${over}, below ${percent(params.threshold * params.resolveRatio)}.`,
        data: { errorRate: sample.errorRate, requests: sample.requests, windowMs: sample.windowMs },
      };
    case 'latency_p95':
      return {
        title: `${name}: p95 latency back to normal`,
        body: `95th-percentile latency was ${duration(sample.p95Ms ?? 0)} ${over}, below ${duration(params.threshold * params.resolveRatio)}.`,
        data: { p95Ms: sample.p95Ms, requests: sample.requests, windowMs: sample.windowMs },
      };
  }
}

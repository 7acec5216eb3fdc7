// The pure rules: once per threshold, hysteresis, minimum traffic, budget periods, and one jump
// over both budget thresholds. State is carried between steps the way the engine persists it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, effectiveRules } from './alert-rules';
import type { AgentHealthSample, AgentRules, AlertDecision, AlertState, RuleId } from './alert-types';
import { evaluateAlerts, evaluateSample } from './evaluate';

const BASE: AgentHealthSample = {
  agentId: 'ag_1',
  agentName: 'lead-gen',
  at: '2025-01-17T10:00:00.000Z',
  windowMs: 300_000,
  requests: 100,
  errors: 0,
  errorRate: 0,
  p95Ms: 800,
  spendUsd: 0,
  budgetLimitUsd: 50,
  budgetPeriod: 'dep_1',
};

/** Runs samples in order, carrying state like the engine does; returns each step's decisions. */
function steps(samples: Partial<AgentHealthSample>[], rules: AgentRules = effectiveRules([])): AlertDecision[][] {
  const states = new Map<RuleId, AlertState>();
  return samples.map((partial) => {
    const sample = { ...BASE, ...partial };
    const decisions = evaluateSample(sample, rules, (rule) => states.get(rule));
    for (const decision of decisions) {
      states.set(decision.rule, {
        status: decision.kind === 'fired' ? 'firing' : 'ok',
        notified: decision.kind === 'fired' && decision.notify,
        since: sample.at,
        ...(decision.period !== undefined ? { period: decision.period } : {}),
      });
    }
    return decisions;
  });
}

const brief = (decisions: AlertDecision[]): string[] => decisions.map((decision) => `${decision.kind} ${decision.rule}${decision.notify ? '' : ' (quiet)'}`);

describe('budget rules', () => {
  it('90% then 100% gives two alerts, and staying there gives no more', () => {
    const result = steps([{ spendUsd: 10 }, { spendUsd: 45 }, { spendUsd: 47 }, { spendUsd: 49.99 }, { spendUsd: 50 }, { spendUsd: 50 }]);
    expect(result.map(brief)).toEqual([[], ['fired budget_warning'], [], [], ['fired budget_exceeded'], []]);
    const warning = result[1]?.[0];
    expect(warning).toMatchObject({ severity: 'warning', value: 0.9, threshold: 0.9, title: 'lead-gen: 90% of the budget used' });
    expect(warning?.body).toBe('LLM spend is $45.00 of the $50.00 budget (90%). At 100% the agent\'s model calls are refused. Suggested action: approve a $25.00 increase.');
    expect(warning?.data).toMatchObject({ action: 'increase_budget', suggestedIncreaseUsd: 25, spendUsd: 45, limitUsd: 50 });
    expect(result[4]?.[0]).toMatchObject({ severity: 'critical', title: 'lead-gen: budget exhausted' });
  });

  it('counts a float sum that lands a hair under 90% as 90%', () => {
    let spend = 0;
    for (let call = 0; call < 450; call += 1) spend += 0.1;
    expect(spend).not.toBe(45);
    expect(brief(steps([{ spendUsd: spend }])[0] ?? [])).toEqual(['fired budget_warning']);
  });

  it('one jump over both thresholds records both but announces only the critical one', () => {
    expect(steps([{ spendUsd: 51 }]).map(brief)).toEqual([['fired budget_warning (quiet)', 'fired budget_exceeded']]);
  });

  it('re-arms when the limit is raised, so a later 90% fires again', () => {
    const result = steps([{ spendUsd: 46 }, { spendUsd: 46, budgetLimitUsd: 75 }, { spendUsd: 68, budgetLimitUsd: 75 }]);
    expect(result.map(brief)).toEqual([['fired budget_warning'], ['resolved budget_warning'], ['fired budget_warning']]);
    expect(result[1]?.[0]).toMatchObject({ reason: 'recovered', severity: 'warning', title: 'lead-gen: budget below 90% again' });
  });

  it('re-arms in a new budget period, even one that starts over the line', () => {
    const result = steps([{ spendUsd: 46 }, { spendUsd: 1, budgetPeriod: 'dep_2' }, { spendUsd: 46, budgetPeriod: 'dep_2' }, { spendUsd: 47, budgetPeriod: 'dep_3' }]);
    expect(result.map(brief)).toEqual([['fired budget_warning'], ['resolved budget_warning'], ['fired budget_warning'], ['resolved budget_warning', 'fired budget_warning']]);
    expect(result[1]?.[0]).toMatchObject({ reason: 'new_period', value: null, period: 'dep_2' });
  });

  it('stays quiet without a limit', () => {
    expect(steps([{ spendUsd: 1000, budgetLimitUsd: null }]).map(brief)).toEqual([[]]);
  });

  it('a quiet firing resolves quietly', () => {
    const result = steps([{ spendUsd: 51 }, { spendUsd: 51, budgetLimitUsd: 200 }]);
    expect(result.map(brief)).toEqual([['fired budget_warning (quiet)', 'fired budget_exceeded'], ['resolved budget_warning (quiet)', 'resolved budget_exceeded']]);
  });
});

describe('error rate', () => {
  it('needs the minimum number of requests: 1 failure of 1 request does not page', () => {
    expect(steps([{ requests: 1, errors: 1, errorRate: 1 }, { requests: 19, errors: 19, errorRate: 1 }]).map(brief)).toEqual([[], []]);
    expect(steps([{ requests: 20, errors: 2, errorRate: 0.1 }]).map(brief)).toEqual([['fired error_rate']]);
  });

  it('fires once, holds while crossed, resolves only below 80% of the threshold, then fires again', () => {
    const rates = [0.12, 0.2, 0.09, 0.085, 0.079, 0.05, 0.11];
    const result = steps(rates.map((rate) => ({ requests: 1000, errors: Math.round(rate * 1000), errorRate: rate })));
    expect(result.map(brief)).toEqual([['fired error_rate'], [], [], [], ['resolved error_rate'], [], ['fired error_rate']]);
    expect(result[0]?.[0]?.body).toBe('120 of 1000 requests failed over the last 5 min (12%; alert threshold 10%).');
    expect(result[4]?.[0]?.body).toBe('7.9% of 1000 requests failed over the last 5 min, below 8%.');
  });

  it('keeps the state when traffic stops: an idle agent neither fires nor recovers', () => {
    const result = steps([{ requests: 100, errors: 50, errorRate: 0.5 }, { requests: 0, errors: 0, errorRate: null, p95Ms: null }, { requests: 100, errors: 40, errorRate: 0.4 }]);
    expect(result.map(brief)).toEqual([['fired error_rate'], [], []]);
  });
});

describe('latency', () => {
  it('fires on p95 over the threshold and resolves with hysteresis', () => {
    const result = steps([{ p95Ms: 5200 }, { p95Ms: 4500 }, { p95Ms: 3900 }]);
    expect(result.map(brief)).toEqual([['fired latency_p95'], [], ['resolved latency_p95']]);
    expect(result[0]?.[0]?.title).toBe('lead-gen: p95 latency 5.2 s');
  });
});

describe('overrides', () => {
  it('a disabled rule decides nothing; a changed threshold and severity apply', () => {
    const rules = effectiveRules([{ error_rate: { enabled: false } }, { latency_p95: { threshold: 1000, severity: 'critical' } }]);
    const result = steps([{ requests: 100, errors: 90, errorRate: 0.9, p95Ms: 1200 }], rules);
    expect(result[0]?.map((decision) => [decision.rule, decision.severity])).toEqual([['latency_p95', 'critical']]);
    expect(DEFAULT_RULES.error_rate.threshold).toBe(0.1);
  });

  it('evaluateAlerts reads each agent its own rules and states', () => {
    const decisions = evaluateAlerts(
      [
        { ...BASE, agentId: 'a', agentName: 'a', spendUsd: 45 },
        { ...BASE, agentId: 'b', agentName: 'b', spendUsd: 45 },
      ],
      (agentId) => effectiveRules(agentId === 'b' ? [{ budget_warning: { threshold: 0.95 } }] : []),
      () => undefined,
    );
    expect(decisions.map((decision) => `${decision.agentName} ${decision.rule}`)).toEqual(['a budget_warning']);
  });
});

/**
 * The alert rules as a pure function: samples + rules + where each rule stands → what fires and
 * what resolves. No I/O and no clock, so every edge (hysteresis, minimum traffic, budget periods,
 * one jump over two thresholds) is a plain unit test; the engine persists the result.
 */
import { firedText, resolvedText } from './alert-texts';
import { RULE_IDS } from './alert-types';
import type { AgentHealthSample, AgentRules, AlertDecision, AlertState, RuleId, RuleParams } from './alert-types';

/** A measurement against one rule: `undefined` when the sample cannot decide (no budget, too little traffic). */
interface Reading {
  value: number;
  crossed: boolean;
  recovered: boolean;
}

// Spend is a float sum of many small costs: $45.00 of $50.00 must count as 90% even when the
// sum comes out as 44.99999999999.
const USD_EPSILON = 1e-9;

/** Decisions for every sample; `stateOf` answers where a rule of an agent stands now (undefined: never fired). */
export function evaluateAlerts(
  samples: readonly AgentHealthSample[],
  rulesOf: (agentId: string) => AgentRules,
  stateOf: (agentId: string, rule: RuleId) => AlertState | undefined,
): AlertDecision[] {
  return samples.flatMap((sample) => evaluateSample(sample, rulesOf(sample.agentId), (rule) => stateOf(sample.agentId, rule)));
}

/** Decisions for one agent's sample. */
export function evaluateSample(sample: AgentHealthSample, rules: AgentRules, stateOf: (rule: RuleId) => AlertState | undefined): AlertDecision[] {
  const decisions: AlertDecision[] = [];
  for (const rule of RULE_IDS) {
    const params = rules[rule];
    if (!params.enabled) continue;
    let state = stateOf(rule) ?? { status: 'ok', notified: false, since: sample.at };
    const budget = rule === 'budget_warning' || rule === 'budget_exceeded';
    if (budget && state.status === 'firing' && sample.budgetPeriod !== undefined && state.period !== sample.budgetPeriod) {
      decisions.push(resolution(rule, sample, params, state, null, 'new_period'));
      state = { status: 'ok', notified: false, since: sample.at };
    }
    const reading = read(rule, sample, params);
    if (!reading) continue;
    if (state.status === 'ok' && reading.crossed) decisions.push(firing(rule, sample, params, reading.value));
    else if (state.status === 'firing' && reading.recovered) decisions.push(resolution(rule, sample, params, state, reading.value, 'recovered'));
  }
  // One jump over both budget thresholds is one event: announce the critical one only.
  const exceeded = decisions.find((decision) => decision.rule === 'budget_exceeded' && decision.kind === 'fired');
  const warning = decisions.find((decision) => decision.rule === 'budget_warning' && decision.kind === 'fired');
  if (exceeded && warning) warning.notify = false;
  return decisions;
}

function read(rule: RuleId, sample: AgentHealthSample, params: RuleParams): Reading | undefined {
  switch (rule) {
    case 'budget_warning':
    case 'budget_exceeded': {
      const limit = sample.budgetLimitUsd;
      if (limit === null || !(limit > 0)) return undefined;
      const line = params.threshold * limit;
      return { value: sample.spendUsd / limit, crossed: sample.spendUsd >= line - USD_EPSILON, recovered: sample.spendUsd < line * params.resolveRatio - USD_EPSILON };
    }
    case 'error_rate':
      return thresholdReading(sample.errorRate, sample.requests, params);
    case 'latency_p95':
      return thresholdReading(sample.p95Ms, sample.requests, params);
  }
}

function thresholdReading(value: number | null, requests: number, params: RuleParams): Reading | undefined {
  if (value === null || requests < Math.max(1, params.minRequests)) return undefined;
  return { value, crossed: value >= params.threshold, recovered: value < params.threshold * params.resolveRatio };
}

function firing(rule: RuleId, sample: AgentHealthSample, params: RuleParams, value: number): AlertDecision {
  return { kind: 'fired', ...decisionBase(rule, sample, params, value), notify: true, ...firedText(rule, sample, params) };
}

function resolution(rule: RuleId, sample: AgentHealthSample, params: RuleParams, state: AlertState, value: number | null, reason: 'recovered' | 'new_period'): AlertDecision {
  return { kind: 'resolved', ...decisionBase(rule, sample, params, value), notify: state.notified, reason, ...resolvedText(rule, sample, params, reason) };
}

/** What a firing and a resolution share: whose rule, its severity and threshold, the value and when. */
function decisionBase(rule: RuleId, sample: AgentHealthSample, params: RuleParams, value: number | null): Omit<AlertDecision, 'kind' | 'notify' | 'reason' | 'title' | 'body' | 'data'> {
  return {
    agentId: sample.agentId,
    agentName: sample.agentName,
    rule,
    severity: params.severity,
    value,
    threshold: params.threshold,
    at: sample.at,
    ...(sample.budgetPeriod !== undefined ? { period: sample.budgetPeriod } : {}),
  };
}

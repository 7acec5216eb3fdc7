/**
 * Rule defaults and overrides. Effective rules of an agent = the defaults, then the global
 * override, then the agent's own, parameter by parameter.
 */
import { CoreError } from '../contracts';
import { RULE_IDS, SEVERITIES } from './alert-types';
import type { AgentRules, RuleId, RuleParams, Severity } from './alert-types';

/** The built-in defaults (README.md): seed 002 #10 for budgets; error rate and latency as in common SRE practice. */
export const DEFAULT_RULES: Readonly<AgentRules> = Object.freeze({
  budget_warning: { enabled: true, severity: 'warning', threshold: 0.9, minRequests: 0, resolveRatio: 1 },
  budget_exceeded: { enabled: true, severity: 'critical', threshold: 1, minRequests: 0, resolveRatio: 1 },
  error_rate: { enabled: true, severity: 'warning', threshold: 0.1, minRequests: 20, resolveRatio: 0.8 },
  latency_p95: { enabled: true, severity: 'warning', threshold: 5000, minRequests: 20, resolveRatio: 0.8 },
});

/** A partial set of parameters for one rule. */
export type RuleOverride = Partial<RuleParams>;

/** Merges the defaults with the overrides (global first, then the agent's). */
export function effectiveRules(overrides: readonly Partial<Record<RuleId, RuleOverride>>[]): AgentRules {
  const rules = {} as AgentRules;
  for (const rule of RULE_IDS) {
    let params: RuleParams = { ...DEFAULT_RULES[rule] };
    for (const layer of overrides) params = { ...params, ...(layer[rule] ?? {}) };
    rules[rule] = params;
  }
  return rules;
}

/** Whether `text` names a rule. */
export function isRuleId(text: string): text is RuleId {
  return (RULE_IDS as readonly string[]).includes(text);
}

/** Whether `text` names a severity. */
export function isSeverity(text: string): text is Severity {
  return (SEVERITIES as readonly string[]).includes(text);
}

/** Checks an override (from a person, the CLI or the console): E2001 saying what is wrong. */
export function checkRuleOverride(rule: string, override: unknown): RuleOverride {
  if (!isRuleId(rule)) throw new CoreError('E2001', `Unknown alert rule "${rule}": use one of ${RULE_IDS.join(', ')}.`, { rule });
  if (typeof override !== 'object' || override === null || Array.isArray(override)) throw new CoreError('E2001', `The ${rule} override must be an object of parameters.`, { rule });
  const checked: RuleOverride = {};
  for (const [key, value] of Object.entries(override)) {
    switch (key) {
      case 'enabled':
        if (typeof value !== 'boolean') throw invalid(rule, key, 'true or false');
        checked.enabled = value;
        break;
      case 'severity':
        if (typeof value !== 'string' || !isSeverity(value)) throw invalid(rule, key, SEVERITIES.join(', '));
        checked.severity = value;
        break;
      case 'threshold':
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (rule === 'error_rate' && value > 1)) {
          throw invalid(rule, key, rule === 'latency_p95' ? 'a positive number of milliseconds' : rule === 'error_rate' ? 'a fraction above 0 and at most 1 (0.1 = 10%)' : 'a positive fraction of the budget (0.9 = 90%)');
        }
        checked.threshold = value;
        break;
      case 'minRequests':
        if (!Number.isInteger(value) || (value as number) < 0) throw invalid(rule, key, 'a whole number ≥ 0');
        checked.minRequests = value as number;
        break;
      case 'resolveRatio':
        if (typeof value !== 'number' || !(value > 0 && value <= 1)) throw invalid(rule, key, 'a fraction above 0 and at most 1 (0.8: resolve below 80% of the threshold)');
        checked.resolveRatio = value;
        break;
      default:
        throw new CoreError('E2001', `Unknown parameter "${key}" for the ${rule} rule: use enabled, severity, threshold, minRequests or resolveRatio.`, { rule, key });
    }
  }
  return checked;
}

function invalid(rule: RuleId, key: string, expected: string): CoreError {
  return new CoreError('E2001', `The ${rule} rule's ${key} must be ${expected}.`, { rule, key });
}

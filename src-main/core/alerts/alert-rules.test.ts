// Rule overrides: layering over the defaults, and the checks a person's input goes through.
import { describe, expect, it } from 'vitest';
import { CoreError } from '../contracts';
import { checkRuleOverride, DEFAULT_RULES, effectiveRules } from './alert-rules';

describe('effectiveRules', () => {
  it('layers global then agent overrides over the defaults, parameter by parameter', () => {
    const rules = effectiveRules([{ latency_p95: { threshold: 2000, minRequests: 5 } }, { latency_p95: { threshold: 3000 } }]);
    expect(rules.latency_p95).toEqual({ ...DEFAULT_RULES.latency_p95, threshold: 3000, minRequests: 5 });
    expect(rules.budget_warning).toEqual(DEFAULT_RULES.budget_warning);
  });
});

describe('checkRuleOverride', () => {
  it('accepts valid parameters', () => {
    expect(checkRuleOverride('error_rate', { threshold: 0.05, minRequests: 50, resolveRatio: 0.5, severity: 'critical', enabled: true })).toEqual({
      threshold: 0.05,
      minRequests: 50,
      resolveRatio: 0.5,
      severity: 'critical',
      enabled: true,
    });
    expect(checkRuleOverride('budget_warning', { threshold: 0.75 })).toEqual({ threshold: 0.75 });
  });

  it('refuses unknown rules, unknown parameters and out-of-range values with E2001', () => {
    const cases: [string, unknown, RegExp][] = [
      ['cpu', {}, /Unknown alert rule "cpu"/],
      ['error_rate', { threshold: 5 }, /fraction above 0 and at most 1/],
      ['error_rate', { threshold: -1 }, /fraction/],
      ['latency_p95', { threshold: 0 }, /milliseconds/],
      ['latency_p95', { minRequests: 1.5 }, /whole number/],
      ['latency_p95', { resolveRatio: 2 }, /at most 1/],
      ['latency_p95', { severity: 'loud' }, /info, warning, critical/],
      ['latency_p95', { enabled: 'yes' }, /true or false/],
      ['latency_p95', { windowMs: 1 }, /Unknown parameter "windowMs"/],
      ['latency_p95', [], /object/],
    ];
    for (const [rule, override, message] of cases) {
      let caught: unknown;
      try {
        checkRuleOverride(rule, override);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CoreError);
      expect((caught as CoreError).code).toBe('E2001');
      expect((caught as CoreError).message).toMatch(message);
    }
  });
});

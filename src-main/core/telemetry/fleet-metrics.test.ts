import { describe, expect, it } from 'vitest';
import { agentMetrics, emptySummary, monthOf } from './fleet-metrics';

const NOW = Date.parse('2030-02-10T12:00:00.000Z');
const window = { from: '2030-02-10T11:00:00.000Z', to: '2030-02-10T12:00:00.000Z' };

describe('agentMetrics', () => {
  it('derives cost per unit, the month run rate and when the budget runs out', () => {
    const summary = { ...emptySummary(window), requests: 200, errors: 4, errorRate: 0.02, costUsd: 0.5, tokensIn: 40_000, tokensOut: 10_000 };
    const metrics = agentMetrics({ id: 'ag_1', name: 'doc' }, summary, { spentUsd: 9, limitUsd: 10, percent: 90, replicas: 1, source: 'runtime' }, NOW);
    expect(metrics).toMatchObject({ agentId: 'ag_1', agent: 'doc', requests: 200, costPerRequestUsd: 0.0025, costPer1kTokensUsd: 0.01 });
    // February 2030 has 28 days: $0.50 an hour for 672 hours.
    expect(metrics.projection).toEqual({
      period: 'month',
      periodStart: '2030-02-01T00:00:00.000Z',
      periodEnd: '2030-03-01T00:00:00.000Z',
      spendRateUsdPerHour: 0.5,
      projectedPeriodUsd: 336,
      budgetExhaustedAt: '2030-02-10T14:00:00.000Z', // $1 left at $0.50 an hour
    });
  });

  it('has no unit costs without traffic, and an exhausted budget is exhausted now', () => {
    const metrics = agentMetrics({ id: 'ag_1', name: 'doc' }, emptySummary(window), { spentUsd: 10, limitUsd: 10, percent: 100, replicas: 1, source: 'runtime' }, NOW);
    expect(metrics).toMatchObject({ costPerRequestUsd: null, costPer1kTokensUsd: null, errorRate: null });
    expect(metrics.projection).toMatchObject({ spendRateUsdPerHour: 0, projectedPeriodUsd: 0, budgetExhaustedAt: new Date(NOW).toISOString() });
    expect(agentMetrics({ id: 'a', name: 'a' }, emptySummary(window), { spentUsd: 0, limitUsd: null, percent: null, replicas: 0, source: 'none' }, NOW).projection.budgetExhaustedAt).toBeNull();
  });

  it('takes the UTC calendar month, December included', () => {
    expect(monthOf(Date.parse('2030-12-31T23:59:59.999Z'))).toEqual({ start: Date.parse('2030-12-01T00:00:00.000Z'), end: Date.parse('2031-01-01T00:00:00.000Z') });
  });
});

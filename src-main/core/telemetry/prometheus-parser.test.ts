import { describe, expect, it } from 'vitest';
import { METRIC } from '../../runtime/telemetry/metric-names';
import { createRuntimeMetrics } from '../../runtime/telemetry/runtime-metrics';
import { agentBudget, readGauges } from './metrics-scraper';
import type { ReplicaScrape } from './metrics-scraper';
import { parsePrometheusText, parseSampleLine } from './prometheus-parser';

describe('parsePrometheusText', () => {
  it('reads what the runtime registry renders: budget gauges, breakers, counters, escaped labels', () => {
    const registry = createRuntimeMetrics({ agent: 'doc "quoted"\\agent', version: 'v3' });
    registry.set(METRIC.budgetSpent, 41.5);
    registry.set(METRIC.budgetLimit, 50);
    registry.set(METRIC.breakerState, 2, { service: 'search,"api"\nv2' });
    registry.set(METRIC.breakerState, 0, { service: 'db' });
    registry.increment(METRIC.requests, { endpoint: '/invoke', status: '200', role: 'developer' }, 7);
    registry.increment(METRIC.requests, { endpoint: '/invoke', status: '500', role: 'developer' }, 2);
    registry.observe(METRIC.requestDuration, 0.2, { endpoint: '/invoke' });
    const parsed = parsePrometheusText(registry.render());
    expect(parsed.invalidLines).toBe(0);
    const spent = parsed.samples.find((sample) => sample.name === METRIC.budgetSpent);
    expect(spent).toEqual({ name: METRIC.budgetSpent, labels: { agent: 'doc "quoted"\\agent', version: 'v3' }, value: 41.5 });
    expect(parsed.samples.find((sample) => sample.name === `${METRIC.requestDuration}_bucket` && sample.labels.le === '+Inf')?.value).toBe(1);
    expect(readGauges(parsed.samples)).toEqual({ up: 1, budgetSpentUsd: 41.5, budgetLimitUsd: 50, requestsTotal: 9, runCostUsdTotal: 0, breakers: { 'search,"api"\nv2': 'OPEN', db: 'CLOSED' }, inflightRequests: expect.any(Number) });
  });

  it('skips lines it cannot read and keeps the rest', () => {
    const parsed = parsePrometheusText('# TYPE a gauge\na 1\nb{x="unterminated 2\nc{1bad="x"} 3\nd NaN\ne +Inf 1700000000000\nf one\n');
    expect(parsed.samples.map((sample) => [sample.name, sample.value])).toEqual([['a', 1], ['d', NaN], ['e', Infinity]]);
    expect(parsed.invalidLines).toBe(3);
    expect(parseSampleLine('g{a="1",b="x\\ny",} 4')).toEqual({ name: 'g', labels: { a: '1', b: 'x\ny' }, value: 4 });
  });
});

describe('agentBudget', () => {
  const scrape = (spent: number | undefined, limit: number | undefined, ok = true): ReplicaScrape => ({
    source: 's',
    agentId: 'a',
    deploymentId: 'd',
    replicaId: 'r',
    endpoint: 'http://127.0.0.1:1',
    at: '2030-01-01T00:00:00.000Z',
    ok,
    breakers: {},
    invalidLines: 0,
    ...(spent !== undefined ? { budgetSpentUsd: spent } : {}),
    ...(limit !== undefined ? { budgetLimitUsd: limit } : {}),
  });

  it('sums spend and limits, and reports the replica nearest its own limit', () => {
    expect(agentBudget([scrape(9, 10), scrape(1, 10)], undefined)).toEqual({ spentUsd: 10, limitUsd: 20, percent: 90, replicas: 2, source: 'runtime' });
  });

  it('takes the limit from the settings until a replica has made an LLM call', () => {
    expect(agentBudget([scrape(undefined, undefined)], 25)).toEqual({ spentUsd: 0, limitUsd: 25, percent: 0, replicas: 1, source: 'settings' });
    expect(agentBudget([scrape(1, 2, false)], 25)).toEqual({ spentUsd: 0, limitUsd: 25, percent: null, replicas: 0, source: 'settings' });
    expect(agentBudget([], undefined)).toMatchObject({ limitUsd: null, percent: null, source: 'none' });
  });
});

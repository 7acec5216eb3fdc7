import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { METRIC } from './metric-names';
import { MetricsRegistry } from './metrics';
import { createRuntimeMetrics, RUNTIME_METRICS } from './runtime-metrics';

/** Runs `promtool check metrics` on the exposition; CI installs promtool (package prometheus). */
function promtool(exposition: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool is required for this test (apt-get install prometheus): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function recordTypicalTraffic(metrics: MetricsRegistry): void {
  metrics.increment(METRIC.requests, { endpoint: '/invoke', status: '200', role: 'developer' });
  metrics.increment(METRIC.requests, { endpoint: '/invoke', status: '429', role: 'viewer' });
  metrics.observe(METRIC.requestDuration, 0.42, { endpoint: '/invoke' });
  metrics.observe(METRIC.requestDuration, 75, { endpoint: '/stream' });
  metrics.increment(METRIC.runTokens, { direction: 'input' }, 1124);
  metrics.increment(METRIC.runTokens, { direction: 'output' }, 731);
  metrics.increment(METRIC.runCost, {}, 0.0123);
  metrics.increment(METRIC.policyEvents, { stage: 'post_invoke', rule: 'ssn', action: 'redacted' });
  metrics.set(METRIC.breakerState, 2, { service: 'linkedin' });
  metrics.increment(METRIC.breakerCallsBlocked, { service: 'linkedin' }, 66);
  metrics.increment(METRIC.breakerCostSaved, { service: 'linkedin' }, 6.6);
  metrics.set(METRIC.budgetSpent, 45.2);
  metrics.set(METRIC.budgetLimit, 50);
  metrics.increment(METRIC.inflightRequests);
  metrics.increment(METRIC.llmTokens, { direction: 'input', model: 'gpt-4o-mini' }, 500);
  metrics.increment(METRIC.llmCost, { model: 'gpt-4o-mini' }, 0.0004);
  metrics.increment(METRIC.llmRequests, { model: 'gpt-4o-mini', status: 'ok' });
  metrics.observe(METRIC.llmRequestDuration, 1.3, { model: 'gpt-4o-mini' });
  // Label values with every character the format must escape.
  metrics.increment(METRIC.toolCalls, { tool: 'say "hi"\\n\nnext', status: 'ok' });
}

describe('MetricsRegistry exposition', () => {
  it('passes promtool check metrics with the runtime standard metrics and real traffic', () => {
    const metrics = createRuntimeMetrics({ agent: 'lead-gen', version: '1.2.0' });
    recordTypicalTraffic(metrics);
    metrics.increment('agentdock_not_declared_total');
    const result = promtool(metrics.render());
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('promtool really checks: a malformed exposition fails', () => {
    expect(promtool('# TYPE broken counter\nbroken{a="unterminated} 1\n').status).not.toBe(0);
  });

  it('writes HELP and TYPE once per family, constant agent/version labels on every series', () => {
    const metrics = createRuntimeMetrics({ agent: 'lead-gen', version: '1.2.0' });
    recordTypicalTraffic(metrics);
    const text = metrics.render();
    for (const { name } of RUNTIME_METRICS) {
      expect(text.split('\n').filter((line) => line.startsWith(`# TYPE ${name} `))).toHaveLength(1);
      expect(text.split('\n').filter((line) => line.startsWith(`# HELP ${name} `))).toHaveLength(1);
    }
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(20);
    for (const line of samples) expect(line).toMatch(/^\w+\{agent="lead-gen",version="1\.2\.0"/);
    expect(text).toContain('agentdock_requests_total{agent="lead-gen",version="1.2.0",endpoint="/invoke",status="200",role="developer"} 1\n');
    expect(text).toContain('agentdock_run_tokens_total{agent="lead-gen",version="1.2.0",direction="input"} 1124\n');
    expect(text).toContain('agentdock_up{agent="lead-gen",version="1.2.0"} 1\n');
    expect(text).toContain('agentdock_adapter_restarts_total{agent="lead-gen",version="1.2.0"} 0\n');
  });

  it('escapes backslash, quote and newline in label values', () => {
    const metrics = createRuntimeMetrics({ agent: 'a"b', version: 'v\\1' });
    metrics.increment(METRIC.toolCalls, { tool: 'say "hi"\\n\nnext', status: 'ok' });
    const text = metrics.render();
    expect(text).toContain('agentdock_tool_calls_total{agent="a\\"b",version="v\\\\1",tool="say \\"hi\\"\\\\n\\nnext",status="ok"} 1\n');
  });

  it('exposes no budget limit until one is set (0 would read as a $0 limit), while counters start at 0', () => {
    const metrics = createRuntimeMetrics({ agent: 'a', version: 'v1' });
    const before = metrics.render();
    expect(before).toContain(`# TYPE ${METRIC.budgetLimit} gauge\n`);
    expect(before).not.toMatch(new RegExp(`^${METRIC.budgetLimit}\\{`, 'm'));
    expect(before).toMatch(new RegExp(`^${METRIC.budgetSpent}\\{agent="a",version="v1"\\} 0$`, 'm'));
    expect(promtool(before).status).toBe(0);
    metrics.set(METRIC.budgetLimit, 50);
    expect(metrics.render()).toMatch(new RegExp(`^${METRIC.budgetLimit}\\{agent="a",version="v1"\\} 50$`, 'm'));
  });

  it('renders histograms as cumulative buckets with +Inf, _sum and _count', () => {
    const metrics = new MetricsRegistry({ agent: 'a', version: '1' });
    metrics.declare({ name: 'job_seconds', help: 'Job time.', type: 'histogram', labelNames: ['job'], buckets: [0.1, 1, 10] });
    for (const value of [0.05, 0.1, 0.5, 3, 42]) metrics.observe('job_seconds', value, { job: 'x' });
    const lines = metrics.render().split('\n');
    expect(lines.filter((line) => line.startsWith('job_seconds'))).toEqual([
      'job_seconds_bucket{agent="a",version="1",job="x",le="0.1"} 2',
      'job_seconds_bucket{agent="a",version="1",job="x",le="1"} 3',
      'job_seconds_bucket{agent="a",version="1",job="x",le="10"} 4',
      'job_seconds_bucket{agent="a",version="1",job="x",le="+Inf"} 5',
      'job_seconds_sum{agent="a",version="1",job="x"} 45.65',
      'job_seconds_count{agent="a",version="1",job="x"} 5',
    ]);
  });

  it('caps series per family and counts the overflow instead of growing', () => {
    const metrics = new MetricsRegistry({ agent: 'a', version: '1', maxSeriesPerFamily: 3 });
    metrics.declare({ name: 'calls_total', help: 'Calls.', type: 'counter', labelNames: ['user'] });
    for (let i = 0; i < 10; i++) metrics.increment('calls_total', { user: `u${i}` });
    metrics.increment('calls_total', { user: 'u0' });
    const text = metrics.render();
    expect(text.split('\n').filter((line) => line.startsWith('calls_total{'))).toHaveLength(3);
    expect(metrics.value('calls_total', { user: 'u0' })).toBe(2);
    expect(metrics.value(METRIC.metricsDroppedSeries, { metric: 'calls_total', reason: 'cardinality' })).toBe(7);
  });

  it('never throws on unknown names or wrong values; counts them and warns once per name', () => {
    const warnings: unknown[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (message: string, fields?: Record<string, unknown>) => warnings.push([message, fields]), error: () => {} };
    const metrics = createRuntimeMetrics({ agent: 'a', version: '1', logger });
    expect(() => {
      metrics.increment('agentdock_typo_total');
      metrics.increment('agentdock_typo_total');
      metrics.observe('agentdock_typo_seconds', 1);
      metrics.increment(METRIC.runCost, {}, -5);
      metrics.increment(METRIC.runCost, {}, Number.NaN);
      metrics.observe(METRIC.runCost, 1);
      metrics.set(METRIC.requests, 3);
    }).not.toThrow();
    expect(metrics.value(METRIC.metricsDroppedSeries, { metric: '_unknown', reason: 'unknown_metric' })).toBe(3);
    expect(metrics.value(METRIC.metricsDroppedSeries, { metric: METRIC.runCost, reason: 'invalid_value' })).toBe(3);
    expect(metrics.value(METRIC.runCost)).toBeUndefined();
    expect(warnings).toHaveLength(4);
  });

  it('ignores undeclared labels so callers cannot widen a family', () => {
    const metrics = createRuntimeMetrics({ agent: 'a', version: '1' });
    metrics.increment(METRIC.runTokens, { direction: 'input', user: 'alice@example.com' }, 5);
    expect(metrics.render()).not.toContain('alice');
    expect(metrics.value(METRIC.runTokens, { direction: 'input' })).toBe(5);
  });

  it('refuses invalid or conflicting declarations at startup', () => {
    const metrics = new MetricsRegistry({ agent: 'a', version: '1' });
    expect(() => metrics.declare({ name: 'bad-name', help: '', type: 'counter' })).toThrow(/invalid metric name/);
    expect(() => metrics.declare({ name: 'x_total', help: '', type: 'counter', labelNames: ['agent'] })).toThrow(/reserved/);
    expect(() => metrics.declare({ name: 'h', help: '', type: 'histogram', buckets: [1, 1] })).toThrow(/ascending/);
    metrics.declare({ name: 'y_total', help: 'Y.', type: 'counter' });
    expect(() => metrics.declare({ name: 'y_total', help: 'Y.', type: 'counter' })).not.toThrow();
    expect(() => metrics.declare({ name: 'y_total', help: 'Y.', type: 'gauge' })).toThrow(/differently/);
  });
});

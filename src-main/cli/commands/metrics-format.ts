/**
 * Rows and formats of `agentdock metrics export`: one flat row per agent (scope `window`) and,
 * for one agent, one per minute or hour; CSV (RFC 4180: header row, CRLF-free cells quoted when
 * they hold a comma, quote or line break) or JSON. Numbers are plain decimals, never exponents,
 * so spreadsheets and `awk` read them alike.
 */
import type { AgentMetrics } from '../../core/telemetry/fleet-metrics';
import type { SeriesPoint } from '../../core/store/telemetry-repository';

/** The CSV columns, in order. */
export const METRICS_COLUMNS = [
  'scope',
  'agent',
  'start',
  'end',
  'requests',
  'errors',
  'error_rate',
  'throughput_per_s',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'mean_latency_ms',
  'tokens_in',
  'tokens_out',
  'cost_usd',
  'cost_per_request_usd',
  'cost_per_1k_tokens_usd',
  'budget_spent_usd',
  'budget_limit_usd',
  'budget_percent',
  'budget_source',
  'spend_rate_usd_per_hour',
  'projected_month_usd',
  'budget_exhausted_at',
] as const;

export type MetricsColumn = (typeof METRICS_COLUMNS)[number];
export type MetricsRow = Partial<Record<MetricsColumn, string | number | null>>;

/** The whole-window row of one agent. */
export function agentRow(metrics: AgentMetrics): MetricsRow {
  return {
    scope: 'window',
    agent: metrics.agent,
    start: metrics.from,
    end: metrics.to,
    requests: metrics.requests,
    errors: metrics.errors,
    error_rate: metrics.errorRate,
    throughput_per_s: metrics.throughputPerSecond,
    p50_ms: metrics.p50Ms,
    p95_ms: metrics.p95Ms,
    p99_ms: metrics.p99Ms,
    mean_latency_ms: metrics.meanLatencyMs,
    tokens_in: metrics.tokensIn,
    tokens_out: metrics.tokensOut,
    cost_usd: metrics.costUsd,
    cost_per_request_usd: metrics.costPerRequestUsd,
    cost_per_1k_tokens_usd: metrics.costPer1kTokensUsd,
    // Spend is only known from a replica's gauges; without one the cell stays empty, not 0.
    budget_spent_usd: metrics.budget.replicas > 0 ? metrics.budget.spentUsd : null,
    budget_limit_usd: metrics.budget.limitUsd,
    budget_percent: metrics.budget.percent,
    budget_source: metrics.budget.source,
    spend_rate_usd_per_hour: metrics.projection.spendRateUsdPerHour,
    projected_month_usd: metrics.projection.projectedPeriodUsd,
    budget_exhausted_at: metrics.projection.budgetExhaustedAt,
  };
}

/** One minute or hour of one agent. */
export function seriesRow(agent: string, granularity: 'minute' | 'hour', point: SeriesPoint): MetricsRow {
  const seconds = granularity === 'hour' ? 3600 : 60;
  const tokens = point.tokensIn + point.tokensOut;
  return {
    scope: granularity,
    agent,
    start: point.start,
    end: new Date(Date.parse(point.start) + seconds * 1000).toISOString(),
    requests: point.requests,
    errors: point.errors,
    error_rate: point.requests ? point.errors / point.requests : null,
    throughput_per_s: point.requests / seconds,
    p50_ms: point.p50Ms,
    p95_ms: point.p95Ms,
    p99_ms: point.p99Ms,
    mean_latency_ms: point.meanLatencyMs,
    tokens_in: point.tokensIn,
    tokens_out: point.tokensOut,
    cost_usd: point.costUsd,
    cost_per_request_usd: point.requests ? point.costUsd / point.requests : null,
    cost_per_1k_tokens_usd: tokens ? (point.costUsd / tokens) * 1000 : null,
  };
}

/** A number as a plain decimal with at most 9 places (USD to the nano-dollar), no exponent. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (Number.isInteger(value)) return String(value);
  const fixed = value.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** One CSV cell: quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? formatNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV document: header row, then one line per row, LF-terminated. */
export function toCsv(rows: readonly MetricsRow[]): string {
  const lines = [METRICS_COLUMNS.join(',')];
  for (const row of rows) lines.push(METRICS_COLUMNS.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}

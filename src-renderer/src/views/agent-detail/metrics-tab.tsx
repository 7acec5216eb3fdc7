/**
 * Metrics: one agent's totals and charts (latency p50/p95/p99, requests and errors, tokens,
 * cost) over a window, from `metrics:agent`. Refreshed when the runtime reports finished runs
 * (coalesced), and once a minute so the window moves on.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { METRICS_WINDOWS } from '../../../../src-shared/ipc/console-types';
import type { AgentMetricsReport, MetricsWindow } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { formatMs, formatPercent, formatUsd } from '../../format/format';
import { TimeChart } from './time-chart';
import { useTelemetryRefresh } from './use-telemetry-refresh';

const WINDOW_LABELS: Record<MetricsWindow, string> = { '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' };

const count = (value: number): string => (Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(1));
const compact = (value: number): string => (value >= 10_000 ? `${Math.round(value / 1000)}k` : value >= 1000 ? `${(value / 1000).toFixed(1)}k` : count(value));

/** The Metrics tab. */
export function MetricsTab({ agent }: { agent: string }): ReactNode {
  const [timeWindow, setTimeWindow] = useState<MetricsWindow>('1h');
  const metrics = useConsoleQuery('metrics:agent', { agent, window: timeWindow }, { placeholderData: keepPreviousData, refetchInterval: 60_000 });
  useTelemetryRefresh(agent, 'metrics:agent', ['run_end']);

  return (
    <div className="metrics">
      <div className="toolbar">
        <div role="group" aria-label="Time window" className="segmented">
          {METRICS_WINDOWS.map((entry) => (
            <button key={entry} type="button" className="button small" aria-pressed={entry === timeWindow} title={WINDOW_LABELS[entry]} onClick={() => setTimeWindow(entry)}>
              {entry}
            </button>
          ))}
        </div>
        {metrics.isFetching ? <span className="muted">Updating…</span> : null}
      </div>
      {metrics.isError ? <ErrorMessage error={metrics.error} title={`Could not load ${agent}'s metrics`} onRetry={() => void metrics.refetch()} /> : null}
      {metrics.isPending ? <p className="muted">Loading metrics…</p> : null}
      {metrics.data ? <MetricsReport report={metrics.data} /> : null}
    </div>
  );
}

function MetricsReport({ report }: { report: AgentMetricsReport }): ReactNode {
  const { totals, series, bucket } = report;
  const starts = series.map((point) => point.start);
  const tiles: [string, string][] = [
    ['Requests', count(totals.requests)],
    ['Errors', `${count(totals.errors)}${totals.errorRate === null ? '' : ` (${formatPercent(totals.errorRate * 100)})`}`],
    ['p50', formatMs(totals.p50Ms)],
    ['p95', formatMs(totals.p95Ms)],
    ['p99', formatMs(totals.p99Ms)],
    ['Tokens in / out', `${compact(totals.tokensIn)} / ${compact(totals.tokensOut)}`],
    ['Cost', formatUsd(totals.costUsd)],
    ['Per request', totals.costPerRequestUsd === null ? '—' : formatUsd(totals.costPerRequestUsd)],
  ];
  if (report.budget.limitUsd !== null) tiles.push(['Budget', `${formatUsd(report.budget.spentUsd)} of ${formatUsd(report.budget.limitUsd)} (${formatPercent(report.budget.percent)})`]);

  return (
    <>
      <dl className="stat-tiles" aria-label={`Totals, ${WINDOW_LABELS[report.window].toLowerCase()}`}>
        {tiles.map(([label, value]) => (
          <div key={label} className="stat-tile">
            <dt>{label}</dt>
            <dd className="mono">{value}</dd>
          </div>
        ))}
      </dl>
      {totals.requests === 0 ? <p className="muted">No requests in this window. Invoke {report.agent} (Playground) and the charts fill in as the runtime reports.</p> : null}
      <div className="chart-grid-layout">
        <TimeChart
          title="Latency"
          starts={starts}
          bucket={bucket}
          kind="line"
          summary="level"
          integer
          format={formatMs}
          series={[
            { label: 'p50', values: series.map((point) => point.p50Ms), tone: 'ok' },
            { label: 'p95', values: series.map((point) => point.p95Ms), tone: 'warn' },
            { label: 'p99', values: series.map((point) => point.p99Ms), tone: 'bad' },
          ]}
        />
        <TimeChart
          title="Requests and errors"
          starts={starts}
          bucket={bucket}
          kind="bars"
          summary="sum"
          integer
          format={count}
          series={[
            { label: 'Succeeded', values: series.map((point) => point.requests - point.errors), tone: 'accent' },
            { label: 'Errors', values: series.map((point) => point.errors), tone: 'bad' },
          ]}
        />
        <TimeChart
          title="Tokens"
          starts={starts}
          bucket={bucket}
          kind="bars"
          summary="sum"
          integer
          format={compact}
          series={[
            { label: 'Input tokens', values: series.map((point) => point.tokensIn), tone: 'info' },
            { label: 'Output tokens', values: series.map((point) => point.tokensOut), tone: 'violet' },
          ]}
        />
        <TimeChart title="Cost" starts={starts} bucket={bucket} kind="bars" summary="sum" format={formatUsd} axisFormat={(usd, decimals) => `$${usd.toFixed(Math.max(2, decimals))}`} series={[{ label: 'Cost (USD)', values: series.map((point) => point.costUsd), tone: 'ok' }]} />
      </div>
    </>
  );
}

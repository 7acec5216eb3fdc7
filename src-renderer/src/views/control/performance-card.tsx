import type { ReactNode } from 'react';
import { progressPerHour, totalProgress } from '../../../../src-shared/ipc/control-fold';
import type { ControlSnapshot } from '../../../../src-shared/ipc/console-types';
import { formatCacheHitRate, formatPercentile, formatPerHour, formatUptimePercent } from '../../format/control-format';
import { ControlCard, Figure } from './control-card';

/** Seed 002 #22: throughput (`212 leads/hour`), P50/P95/P99 (`P95: 2.1s`), cache hit rate, uptime. */
export function PerformanceCard({ snapshot }: { snapshot: ControlSnapshot }): ReactNode {
  const { counters, performance } = snapshot;
  const progress = totalProgress(counters);
  const unitsPerHour = progressPerHour(counters);
  const fleet = snapshot.agent === null;
  return (
    <ControlCard id="performance" title="Performance">
      <dl className="figures">
        <Figure
          label="Throughput"
          testId="control-throughput"
          value={unitsPerHour !== null && progress ? formatPerHour(unitsPerHour, progress.unit) : formatPerHour(performance.runsPerHour, 'runs')}
          detail={unitsPerHour !== null && progress ? `${formatPerHour(performance.runsPerHour, 'runs')} in the last hour` : 'in the last hour'}
        />
        <Figure
          label={fleet ? 'Latency (slowest agent, last hour)' : 'Latency (last hour)'}
          testId="control-latency"
          value={
            <span className="percentiles">
              <span>{formatPercentile('P50', performance.p50Ms)}</span>
              <span>{formatPercentile('P95', performance.p95Ms)}</span>
              <span>{formatPercentile('P99', performance.p99Ms)}</span>
            </span>
          }
        />
        <Figure label="Cache hit rate" testId="control-cache" value={formatCacheHitRate(counters.cachedInputTokens, counters.inputTokens)} detail="of model input tokens from the provider's prompt cache" />
        <Figure label="Uptime" testId="control-uptime" value={formatUptimePercent(performance.uptimePercent)} detail="since the deployment went live" />
      </dl>
    </ControlCard>
  );
}

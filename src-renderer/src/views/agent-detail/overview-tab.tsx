import type { ReactNode } from 'react';
import type { AgentDetail } from '../../../../src-shared/ipc/console-types';
import { HealthBadge } from '../../components/health-badge';
import { formatDateTime, formatMs, formatPercent, formatUptime, formatUsd } from '../../format/format';
import { useNow } from '../../hooks/use-now';

/** Endpoint, health, version, replicas, and the deployments behind them. */
export function OverviewTab({ detail }: { detail: AgentDetail }): ReactNode {
  const now = useNow(1000);
  const { row } = detail;
  const facts: [string, ReactNode][] = [
    ['Health', <HealthBadge key="h" health={row.health} />],
    ['Endpoint', row.endpoint ? <span className="mono">{row.endpoint}</span> : '—'],
    ['Version', <span key="v" className="mono">{row.version ?? '—'}</span>],
    ['Target', row.target ?? '—'],
    ['Replicas', `${row.replicasReady} ready / ${row.replicasWanted} wanted`],
    ['Uptime', formatUptime(row.activeSince, now)],
    ['Requests (1 h)', String(row.requests)],
    ['p95', formatMs(row.p95Ms)],
    ['Error rate', row.errorRate === null ? '—' : formatPercent(row.errorRate * 100)],
    ['Spend', `${formatUsd(row.spendUsd)}${row.budgetLimitUsd !== null ? ` of ${formatUsd(row.budgetLimitUsd)} (${formatPercent(row.budgetPercent)})` : ''}`],
  ];
  return (
    <div className="overview">
      <dl className="facts" aria-label="Overview">
        {facts.map(([label, value]) => (
          <div className="fact" key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h2>Deployments</h2>
      {detail.deployments.length === 0 ? (
        <p className="muted">No deployments yet.</p>
      ) : (
        <table className="table" aria-label="Deployments">
          <thead>
            <tr>
              <th>Version</th>
              <th>Target</th>
              <th>Status</th>
              <th>Replicas</th>
              <th>Endpoint</th>
              <th>By</th>
              <th>Created</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {detail.deployments.map((deployment) => (
              <tr key={deployment.deploymentId}>
                <td className="mono">{deployment.version}</td>
                <td>{deployment.target}</td>
                <td>{deployment.status}</td>
                <td className="mono">{deployment.replicas}</td>
                <td className="mono">{deployment.endpoint ?? '—'}</td>
                <td>{deployment.createdBy}</td>
                <td className="mono">{formatDateTime(deployment.createdAt)}</td>
                <td className="error">{deployment.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

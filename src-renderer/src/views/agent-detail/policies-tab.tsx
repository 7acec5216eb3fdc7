/**
 * Policies: the active version's rules as sentences (from its Dockfile, as the runtime enforces
 * them), each with its violations in the last 24 hours, a per-hour violation trend by kind, and
 * the latest violations. Refreshed when the runtime reports policy, budget or auth events.
 */
import type { ReactNode } from 'react';
import type { AgentPolicies, PolicyCategory } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { formatDateTime } from '../../format/format';
import { TimeChart } from './time-chart';
import type { ChartTone } from './time-chart';
import { useTelemetryRefresh } from './use-telemetry-refresh';

const CATEGORIES: readonly { id: PolicyCategory; label: string; tone: ChartTone }[] = [
  { id: 'injection', label: 'Prompt injection', tone: 'bad' },
  { id: 'pii', label: 'PII', tone: 'warn' },
  { id: 'tools', label: 'Tools', tone: 'violet' },
  { id: 'output', label: 'Output size', tone: 'info' },
  { id: 'budget', label: 'Budget', tone: 'accent' },
  { id: 'rate_limit', label: 'Rate limit', tone: 'ok' },
  { id: 'auth', label: 'Auth', tone: 'muted' },
  { id: 'limits', label: 'Inspection limits', tone: 'muted' },
  { id: 'other', label: 'Other', tone: 'muted' },
];

const LABELS = new Map(CATEGORIES.map((category) => [category.id, category.label]));

const count = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/** The Policies tab. */
export function PoliciesTab({ agent }: { agent: string }): ReactNode {
  const policies = useConsoleQuery('policies:get', { agent }, { refetchInterval: 5 * 60_000 });
  useTelemetryRefresh(agent, 'policies:get', ['policy', 'budget', 'auth']);
  if (policies.isError) return <ErrorMessage error={policies.error} title={`Could not load ${agent}'s policies`} onRetry={() => void policies.refetch()} />;
  if (policies.isPending) return <p className="muted">Loading policies…</p>;
  return <PoliciesReport policies={policies.data} />;
}

function PoliciesReport({ policies }: { policies: AgentPolicies }): ReactNode {
  const { trend } = policies;
  // Every category that has a rule or a violation; a chart of nine empty series says nothing.
  const shown = CATEGORIES.filter((category) => (trend.byCategory[category.id] ?? 0) > 0);
  const breakdown = shown.map((category) => `${trend.byCategory[category.id]} ${category.label === category.label.toUpperCase() ? category.label : category.label.toLowerCase()}`).join(', ');

  return (
    <div className="policies">
      <p>
        {policies.version ? (
          <>
            Rules of <span className="mono">{policies.version}</span>, enforced by the runtime in{' '}
            <span className={policies.mode === 'block' ? 'badge health-unhealthy' : 'badge'}>{policies.mode === 'block' ? 'block mode' : 'redact mode'}</span>
            <span className="muted">{policies.mode === 'block' ? ' — halt_on_violation: any finding refuses the request.' : ' — findings are redacted or truncated, and reported.'}</span>
          </>
        ) : (
          <span className="muted">Not deployed yet: the rules appear with the first version.</span>
        )}
      </p>
      <ul className="rule-list" aria-label="Policy rules">
        {policies.rules.map((rule) => (
          <li key={rule.id} className={rule.enabled ? 'rule' : 'rule off'}>
            <div className="rule-head">
              <strong>{rule.title}</strong>
              <span className={rule.enabled ? 'badge found' : 'badge'}>{rule.enabled ? 'On' : 'Off'}</span>
              <code className="muted">{rule.id}</code>
              <span className="spacer" />
              <span className={rule.violations > 0 ? 'rule-count warning-text' : 'rule-count muted'}>
                {rule.violations} {rule.violations === 1 ? 'violation' : 'violations'} (24 h)
              </span>
            </div>
            <p className="rule-detail">{rule.detail}</p>
            {rule.values && rule.values.length > 0 ? (
              <ul className="rule-values" aria-label={`${rule.title} values`}>
                {rule.values.map((value) => (
                  <li key={value}>
                    <code>{value}</code>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>

      <h2>Violations, last 24 hours</h2>
      <p>
        <strong>{trend.total}</strong> {trend.total === 1 ? 'violation' : 'violations'}
        {breakdown ? `: ${breakdown}.` : '.'}
        {trend.complete ? null : <span className="warning-text"> More events than one read holds: the newest hours may be short.</span>}
      </p>
      <TimeChart
        title="Violations per hour"
        starts={trend.buckets.map((bucket) => bucket.start)}
        bucket="hour"
        kind="bars"
        summary="sum"
        integer
        format={count}
        series={(shown.length > 0 ? shown : CATEGORIES.slice(0, 1)).map((category) => ({ label: category.label, tone: category.tone, values: trend.buckets.map((bucket) => bucket.byCategory[category.id] ?? 0) }))}
      />

      <h2>Latest violations</h2>
      {policies.recent.length === 0 ? (
        <p className="muted">None in the last 24 hours.</p>
      ) : (
        <table className="table" aria-label="Latest violations">
          <thead>
            <tr>
              <th>Time</th>
              <th>Kind</th>
              <th>Rule</th>
              <th>Action</th>
              <th>Stage</th>
              <th>Count</th>
              <th>Trace</th>
            </tr>
          </thead>
          <tbody>
            {policies.recent.map((violation, index) => (
              <tr key={`${violation.time}-${index}`}>
                <td className="mono">{formatDateTime(violation.time)}</td>
                <td>{LABELS.get(violation.category) ?? violation.category}</td>
                <td className="mono">{violation.rule}</td>
                <td>{violation.action}</td>
                <td className="mono">{violation.stage ?? '—'}</td>
                <td className="mono">{violation.count}</td>
                <td className="mono muted">{violation.traceId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import type { ReactNode } from 'react';
import { HealthBadge } from '../../components/health-badge';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { useCan, useRole } from '../../console/use-role';
import { roleAllows, STREAM_ROLES } from '../../../../src-shared/ipc/roles';
import { useUi } from '../../state/ui-store';
import type { AgentTab } from '../../state/ui-store';
import { ControlPanel } from '../control/control-panel';
import { EventsTab } from './events-tab';
import { KeysTab } from './keys-tab';
import { LogsTab } from './logs-tab';
import { MetricsTab } from './metrics-tab';
import { OpenApiTab } from './openapi-tab';
import { OverviewTab } from './overview-tab';
import { PlaygroundTab } from './playground-tab';
import { PoliciesTab } from './policies-tab';
import { VersionsTab } from './versions-tab';

const TABS: readonly { id: AgentTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'control', label: 'Control' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'versions', label: 'Versions' },
  { id: 'logs', label: 'Logs' },
  { id: 'policies', label: 'Policies' },
  { id: 'schema', label: 'Schema & OpenAPI' },
  { id: 'playground', label: 'Playground' },
  { id: 'keys', label: 'Keys' },
  { id: 'events', label: 'Events' },
];

/** One agent: a header and its tabs. */
export function AgentDetailView({ agent, tab }: { agent: string; tab: AgentTab }): ReactNode {
  const detail = useConsoleQuery('agents:get', { agent });
  const navigate = useUi((state) => state.navigate);
  const canKeys = useCan('keys:list');
  const canInvoke = useCan('agents:invoke');
  const canLogs = roleAllows(useRole(), STREAM_ROLES['logs:tail']);
  const tabs = TABS.filter((entry) => (entry.id !== 'keys' || canKeys) && (entry.id !== 'playground' || canInvoke) && (entry.id !== 'logs' || canLogs));
  const current = tabs.some((entry) => entry.id === tab) ? tab : 'overview';

  return (
    <section className="agent-detail" aria-labelledby="agent-title">
      <div className="view-header">
        <a
          href="#/agents"
          className="back-link"
          onClick={(event) => {
            event.preventDefault();
            navigate({ view: 'agents' });
          }}
        >
          ← Agents
        </a>
        <h1 id="agent-title">{agent}</h1>
        {detail.data ? (
          <>
            <HealthBadge health={detail.data.row.health} />
            <span className="mono muted">{detail.data.row.version ?? 'not deployed'}</span>
          </>
        ) : null}
      </div>
      <div
        role="tablist"
        aria-label={`${agent} sections`}
        className="tabs"
        onKeyDown={(event) => {
          if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
          const index = tabs.findIndex((entry) => entry.id === current);
          const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
          if (next) {
            navigate({ view: 'agent', agent, tab: next.id });
            document.getElementById(`tab-${next.id}`)?.focus();
          }
        }}
      >
        {tabs.map((entry) => (
          <button
            key={entry.id}
            id={`tab-${entry.id}`}
            type="button"
            role="tab"
            aria-selected={entry.id === current}
            aria-controls={`panel-${entry.id}`}
            tabIndex={entry.id === current ? 0 : -1}
            className={entry.id === current ? 'tab active' : 'tab'}
            onClick={() => navigate({ view: 'agent', agent, tab: entry.id })}
          >
            {entry.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`} className="tab-panel">
        {current === 'control' ? (
          <ControlPanel agent={agent} />
        ) : current === 'events' ? (
          <EventsTab agent={agent} />
        ) : current === 'metrics' ? (
          <MetricsTab agent={agent} />
        ) : current === 'logs' ? (
          <LogsTab agent={agent} />
        ) : current === 'policies' ? (
          <PoliciesTab agent={agent} />
        ) : current === 'schema' ? (
          <OpenApiTab agent={agent} />
        ) : detail.isPending ? (
          <div className="view-loading">Loading {agent}…</div>
        ) : detail.isError ? (
          <ErrorMessage error={detail.error} title={`Could not load ${agent}`} onRetry={() => void detail.refetch()} />
        ) : current === 'overview' ? (
          <OverviewTab detail={detail.data} />
        ) : current === 'versions' ? (
          <VersionsTab detail={detail.data} />
        ) : current === 'keys' ? (
          <KeysTab agent={agent} roles={detail.data.roles} />
        ) : (
          <PlaygroundTab detail={detail.data} />
        )}
      </div>
    </section>
  );
}

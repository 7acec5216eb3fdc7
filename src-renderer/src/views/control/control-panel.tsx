/**
 * The control panel (seed 002 #19–24, #33) for one agent or the whole fleet: status and progress,
 * cost, protection, performance, notifications, the event log and secrets. The numbers come from
 * `control:snapshot` and are patched live by the runtime events; the event log is the agent
 * detail's events tab and the secrets panel is the secrets view, embedded rather than copied.
 */
import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { EventsTab } from '../agent-detail/events-tab';
import { SecretsView } from '../secrets/secrets-view';
import { ControlCard } from './control-card';
import { CostCard } from './cost-card';
import { NotificationsCard } from './notifications-card';
import { PerformanceCard } from './performance-card';
import { ProtectionCard } from './protection-card';
import { StatusCard } from './status-card';
import { useControlSnapshot } from './use-control-snapshot';
import './control.css';

/** Every panel for `agent`, or for the fleet when it is undefined. */
export function ControlPanel({ agent }: { agent?: string }): ReactNode {
  const snapshot = useControlSnapshot(agent);
  const data = snapshot.data;
  return (
    <div className="control-panel" data-scope={agent ?? 'fleet'}>
      {snapshot.isError ? <ErrorMessage error={snapshot.error} title="Could not load the control panel" onRetry={() => void snapshot.refetch()} /> : null}
      {snapshot.isPending ? <div className="view-loading">Loading the control panel…</div> : null}
      {data ? (
        <>
          {data.complete ? null : <p className="muted">Some agents had more events than one view reads: their counters cover the oldest part of the period only.</p>}
          <div className="control-grid">
            <StatusCard snapshot={data} />
            <CostCard snapshot={data} />
            <ProtectionCard snapshot={data} />
            <PerformanceCard snapshot={data} />
          </div>
        </>
      ) : null}
      <div className="control-grid halves">
        <NotificationsCard {...(agent === undefined ? {} : { agent })} />
        <ControlCard id="events" title="Event log">
          <EventsTab {...(agent === undefined ? {} : { agent })} />
        </ControlCard>
      </div>
      <SecretsView embedded />
    </div>
  );
}

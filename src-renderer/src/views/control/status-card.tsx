import type { ReactNode } from 'react';
import { totalProgress } from '../../../../src-shared/ipc/control-fold';
import type { AgentHealth, ControlSnapshot } from '../../../../src-shared/ipc/console-types';
import { formatProgress, formatSuccessRate, statusLabel } from '../../format/control-format';
import { formatUptime } from '../../format/format';
import { useNow } from '../../hooks/use-now';
import { ControlCard, Figure, Meter } from './control-card';

/** Seed 002 #19: live status, progress (`23 / 100 leads (23%)`) and success rate (`100% (23/23)`). */
export function StatusCard({ snapshot }: { snapshot: ControlSnapshot }): ReactNode {
  const now = useNow(1000);
  const progress = totalProgress(snapshot.counters);
  const single = snapshot.agent !== null ? snapshot.agents[0] : undefined;
  return (
    <ControlCard id="status" title="Status and progress">
      <dl className="figures">
        <Figure
          label="Status"
          testId="control-status"
          value={single ? <StatusText health={single.health} /> : <FleetStatus healths={snapshot.agents.map((agent) => agent.health)} />}
          detail={single ? `${single.version ?? 'not deployed'}${single.target ? ` on ${single.target}` : ''} · ${single.replicasReady}/${single.replicasWanted} ready · up ${formatUptime(single.since, now)}` : `${snapshot.agents.length} agent${snapshot.agents.length === 1 ? '' : 's'}`}
        />
        <Figure label="Progress" testId="control-progress" value={progress ? formatProgress(progress.done, progress.total, progress.unit) : <span className="muted">No progress reported</span>} />
        <Figure label="Success rate" testId="control-success" value={formatSuccessRate(snapshot.counters.runsOk, snapshot.counters.runs)} />
      </dl>
      {progress ? <Meter value={progress.done / progress.total} label={`Progress: ${formatProgress(progress.done, progress.total, progress.unit)}`} /> : null}
      {snapshot.agent === null && snapshot.agents.length > 0 ? (
        <table className="table compact" aria-label="Agents">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Status</th>
              <th>Version</th>
              <th>Progress</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.agents.map((agent) => {
              const own = snapshot.counters.progress[agent.agent];
              return (
                <tr key={agent.agent}>
                  <td className="mono">{agent.agent}</td>
                  <td>
                    <StatusText health={agent.health} />
                  </td>
                  <td className="mono">{agent.version ?? '—'}</td>
                  <td>{own ? formatProgress(own.done, own.total, own.unit) : <span className="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </ControlCard>
  );
}

function StatusText({ health }: { health: AgentHealth }): ReactNode {
  const status = statusLabel(health);
  return (
    <span className={`status-text health-${health}`} data-health={health}>
      <span aria-hidden="true">{status.icon}</span> {status.text}
    </span>
  );
}

/** `🟢 3 running · 🔴 1 unhealthy`. */
function FleetStatus({ healths }: { healths: AgentHealth[] }): ReactNode {
  if (healths.length === 0) return <span className="muted">No agents</span>;
  const counts = new Map<AgentHealth, number>();
  for (const health of healths) counts.set(health, (counts.get(health) ?? 0) + 1);
  return (
    <span>
      {[...counts].map(([health, count], index) => {
        const status = statusLabel(health);
        return (
          <span key={health} className={`status-text health-${health}`}>
            {index > 0 ? ' · ' : ''}
            <span aria-hidden="true">{status.icon}</span> {count} {status.text.toLowerCase()}
          </span>
        );
      })}
    </span>
  );
}

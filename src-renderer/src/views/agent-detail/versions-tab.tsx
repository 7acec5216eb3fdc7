import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AgentDetail, DeployProgress, VersionRow } from '../../../../src-shared/ipc/console-types';
import { callConsole } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { formatDateTime } from '../../format/format';
import { DeployProgressPanel } from '../deploy/deploy-progress-panel';
import type { DeployRun } from '../deploy/deploy-progress-panel';
import { DockfileDiff } from './dockfile-diff';

/** Version history with who/when, a Rollback button on every version not active, and a Dockfile diff. */
export function VersionsTab({ detail }: { detail: AgentDetail }): ReactNode {
  const canRollback = useCan('deploy:rollback');
  const queryClient = useQueryClient();
  const [rollback, setRollback] = useState<{ version: string; progress: DeployProgress[]; run: DeployRun } | null>(null);
  const running = useRef(false);
  const target = detail.row.target ?? 'process';

  const start = async (version: VersionRow): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setRollback({ version: version.label, progress: [], run: { state: 'running' } });
    try {
      const outcome = await callConsole(
        'deploy:rollback',
        { agent: detail.row.agent, version: version.label, target },
        { onProgress: (progress) => setRollback((current) => (current ? { ...current, progress: [...current.progress, progress] } : current)) },
      );
      setRollback((current) => (current ? { ...current, run: { state: 'succeeded', outcome } } : current));
    } catch (error) {
      setRollback((current) => (current ? { ...current, run: { state: 'failed', error } } : current));
    } finally {
      running.current = false;
      void queryClient.invalidateQueries({ queryKey: ['agents:get', { agent: detail.row.agent }] });
      void queryClient.invalidateQueries({ queryKey: ['agents:list'] });
    }
  };

  const versions = [...detail.versions].sort((a, b) => b.number - a.number);
  return (
    <div className="versions">
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Active on</th>
            <th>Created by</th>
            <th>Created</th>
            <th>Runtime</th>
            <th>Content</th>
            {canRollback ? <th aria-label="Actions" /> : null}
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => {
            const active = version.activeOn.length > 0;
            return (
              <tr key={version.label} data-version={version.label} className={active ? 'active-version' : undefined}>
                <td className="mono">{version.label}</td>
                <td>{active ? <span className="badge found">{version.activeOn.join(', ')}</span> : <span className="muted">—</span>}</td>
                <td>{version.createdBy}</td>
                <td className="mono">{formatDateTime(version.createdAt)}</td>
                <td className="mono">{version.runtimeVersion}</td>
                <td className="mono muted" title={version.contentHash}>
                  {version.contentHash.slice(0, 12)}
                </td>
                {canRollback ? (
                  <td>
                    {active ? null : (
                      <button
                        type="button"
                        className="button small"
                        disabled={rollback?.run.state === 'running'}
                        title={version.rollbackable ? `Redeploy ${version.label} to ${target} through the health gate` : `${version.label}'s build is gone: it will be rebuilt from its snapshot`}
                        onClick={() => void start(version)}
                      >
                        Rollback to {version.label}
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      {rollback ? <DeployProgressPanel title={`Rollback to ${rollback.version}`} progress={rollback.progress} run={rollback.run} kind="rollback" /> : null}
      {versions.length >= 2 ? <DockfileDiff agent={detail.row.agent} versions={versions.map((version) => version.label)} /> : null}
    </div>
  );
}

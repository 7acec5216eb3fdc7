import { useState } from 'react';
import type { ReactNode } from 'react';
import type { LifecycleAction } from '../../../../src-shared/ipc/console-types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { LIFECYCLE_DELETE_ROLE, roleAllows } from '../../../../src-shared/ipc/roles';
import { useConsoleMutation } from '../../console/requests';
import { useCan, useRole } from '../../console/use-role';
import { toast } from '../../state/toast-store';

const ACTIONS: readonly { action: LifecycleAction; label: string; confirm: boolean }[] = [
  { action: 'start', label: 'Start', confirm: false },
  { action: 'restart', label: 'Restart', confirm: false },
  { action: 'suspend', label: 'Suspend', confirm: false },
  { action: 'resume', label: 'Resume', confirm: false },
  { action: 'stop', label: 'Stop', confirm: true },
  { action: 'delete', label: 'Delete', confirm: true },
];

/** Lifecycle actions on the selected agents; stop and delete ask first. Hidden for viewers. */
export function LifecycleBar({ agents, onDone }: { agents: readonly string[]; onDone(): void }): ReactNode {
  const canLifecycle = useCan('agents:lifecycle');
  const role = useRole();
  const [confirming, setConfirming] = useState<LifecycleAction | null>(null);
  const mutation = useConsoleMutation('agents:lifecycle', {
    onSuccess: (outcomes, input) => {
      const failed = outcomes.filter((outcome) => !outcome.ok);
      if (failed.length === 0) toast({ tone: 'success', title: `${input.action}: done`, message: `${outcomes.length} agent${outcomes.length === 1 ? '' : 's'}.` });
      else toast({ tone: 'error', title: `${input.action}: ${failed.length} of ${outcomes.length} failed`, message: failed.map((outcome) => `${outcome.agent}: ${outcome.error ?? 'failed'}`).join('; ') });
      onDone();
    },
  });
  if (!canLifecycle) return null;
  const run = (action: LifecycleAction): void => mutation.mutate({ agents: [...agents], action });
  const disabled = agents.length === 0 || mutation.isPending;
  return (
    <div className="toolbar" role="toolbar" aria-label="Lifecycle actions for the selected agents">
      <span className="muted">{agents.length} selected</span>
      {ACTIONS.filter((entry) => entry.action !== 'delete' || roleAllows(role, LIFECYCLE_DELETE_ROLE)).map((entry) => (
        <button
          key={entry.action}
          type="button"
          className={entry.action === 'delete' ? 'button small danger' : 'button small'}
          disabled={disabled}
          onClick={() => (entry.confirm ? setConfirming(entry.action) : run(entry.action))}
        >
          {entry.label}
        </button>
      ))}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === 'delete' ? 'Delete agents' : 'Stop agents'}
        confirmLabel={confirming === 'delete' ? `Delete ${agents.length}` : `Stop ${agents.length}`}
        danger
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) run(confirming);
          setConfirming(null);
        }}
      >
        <p>
          {confirming === 'delete'
            ? 'Delete these agents, their deployments and replicas? Versions stay in the history, but the agents stop serving at once.'
            : 'Stop these agents? They stop serving requests until started again.'}
        </p>
        <ul className="confirm-list">
          {agents.slice(0, 20).map((agent) => (
            <li key={agent}>{agent}</li>
          ))}
          {agents.length > 20 ? <li className="muted">…and {agents.length - 20} more</li> : null}
        </ul>
      </ConfirmDialog>
    </div>
  );
}

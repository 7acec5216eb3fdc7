import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AgentRole, ApiKeyRow } from '../../../../src-shared/ipc/console-types';
import { ConfirmRowDialog } from '../../components/confirm-row-dialog';
import { CopyButton } from '../../components/copy-button';
import { ErrorMessage } from '../../components/error-message';
import { RowActionsCell } from '../../components/row-actions-cell';
import { useConsoleMutation, useConsoleQuery } from '../../console/requests';
import { formatDateTime } from '../../format/format';
import { defaultKeyRole } from './key-roles';

/**
 * API keys: list, create with one of the agent's roles (the raw key shown once), revoke with
 * confirmation. Admins only (the tab is hidden otherwise).
 */
export function KeysTab({ agent, roles }: { agent: string; roles: readonly AgentRole[] }): ReactNode {
  const queryClient = useQueryClient();
  const keys = useConsoleQuery('keys:list', { agent });
  const [role, setRole] = useState<string>(() => defaultKeyRole(roles));
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<{ raw: string; key: ApiKeyRow } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyRow | null>(null);
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: ['keys:list', { agent }] });
  const create = useConsoleMutation('keys:create', {
    onSuccess: (value) => {
      setCreated(value);
      setLabel('');
      refresh();
    },
  });
  const revoke = useConsoleMutation('keys:revoke', { onSuccess: refresh });
  const [rotating, setRotating] = useState<ApiKeyRow | null>(null);
  const [graceMinutes, setGraceMinutes] = useState(60);
  const rotate = useConsoleMutation('keys:rotate', {
    onSuccess: (value) => {
      setCreated({ raw: value.raw, key: value.key });
      refresh();
    },
  });

  return (
    <div className="keys">
      <form
        className="inline-form"
        aria-label="Create an API key"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ agent, role: role.trim(), ...(label.trim() ? { label: label.trim() } : {}) });
        }}
      >
        <label className="field inline">
          <span>Role</span>
          <select className="input" value={role} onChange={(event) => setRole(event.target.value)} required>
            {roles.map((entry) => (
              <option key={entry.name} value={entry.name} title={entry.permissions.join(', ')}>
                {entry.name} ({entry.permissions.join(', ')})
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Label</span>
          <input className="input" value={label} onChange={(event) => setLabel(event.target.value)} maxLength={100} placeholder="optional" />
        </label>
        <button type="submit" className="button primary" disabled={create.isPending || !role.trim()}>
          Create key
        </button>
      </form>
      {created ? (
        <div className="raw-key" role="status" aria-label="New API key">
          <strong>Copy this key now: it will not be shown again.</strong>
          <code className="mono" data-testid="raw-api-key">
            {created.raw}
          </code>
          <CopyButton text={created.raw} label="Copy key" />
          <button type="button" className="button small ghost" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      {keys.isError ? <ErrorMessage error={keys.error} title="Could not load keys" onRetry={() => void keys.refetch()} /> : null}
      {keys.isPending ? <p className="muted">Loading keys…</p> : null}
      {keys.data && keys.data.length === 0 ? <p className="muted">No keys yet. Requests to {agent} need one.</p> : null}
      {keys.data && keys.data.length > 0 ? (
        <table className="table" aria-label="API keys">
          <thead>
            <tr>
              <th>Prefix</th>
              <th>Role</th>
              <th>Label</th>
              <th>Created by</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>State</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id} data-key-id={key.id}>
                <td className="mono">{key.prefix}…</td>
                <td>{key.role}</td>
                <td>{key.label ?? <span className="muted">—</span>}</td>
                <td>{key.createdBy}</td>
                <td className="mono">{formatDateTime(key.createdAt)}</td>
                <td className="mono">{formatDateTime(key.lastUsedAt)}</td>
                <td className="mono">{formatDateTime(key.expiresAt)}</td>
                <td>{key.revokedAt ? <span className="badge not-found">revoked</span> : <span className="badge found">active</span>}</td>
                <RowActionsCell>
                  {key.revokedAt ? null : (
                    <>
                      <button type="button" className="button small" aria-label={`Rotate key ${key.prefix}`} onClick={() => setRotating(key)}>
                        Rotate
                      </button>
                      <button type="button" className="button small danger" aria-label={`Revoke key ${key.prefix}`} onClick={() => setRevoking(key)}>
                        Revoke
                      </button>
                    </>
                  )}
                </RowActionsCell>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {rotate.isError ? <ErrorMessage error={rotate.error} title="Could not rotate the key" /> : null}
      <ConfirmRowDialog row={rotating} title="Rotate API key" confirmLabel="Rotate" onClose={() => setRotating(null)} onConfirm={(key) => rotate.mutate({ id: key.id, graceMinutes })}>
        {(key) => (
          <>
            <p>
              Replace key <code>{key.prefix}…</code> ({key.role}) with a new one? The new key is shown once.
            </p>
            <label className="field inline">
              <span>The old key keeps working for</span>
              <select className="input" value={graceMinutes} onChange={(event) => setGraceMinutes(Number(event.target.value))}>
                <option value={0}>no time: revoke it now</option>
                <option value={15}>15 minutes</option>
                <option value={60}>1 hour</option>
                <option value={1440}>1 day</option>
              </select>
            </label>
          </>
        )}
      </ConfirmRowDialog>
      <ConfirmRowDialog row={revoking} title="Revoke API key" confirmLabel="Revoke" onClose={() => setRevoking(null)} onConfirm={(key) => revoke.mutate({ id: key.id })}>
        {(key) => (
          <p>
            Revoke key <code>{key.prefix}…</code> ({key.role})? Running replicas refuse it at once.
          </p>
        )}
      </ConfirmRowDialog>
    </div>
  );
}

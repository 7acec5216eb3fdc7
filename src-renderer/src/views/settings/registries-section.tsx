import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { RegistryRow } from '../../../../src-shared/ipc/admin-types';
import { ConfirmRowDialog } from '../../components/confirm-row-dialog';
import { FormActions } from '../../components/form-actions';
import { RowActionsCell } from '../../components/row-actions-cell';
import { useConsoleMutation } from '../../console/requests';
import { formatDateTime } from '../../format/format';
import { toast } from '../../state/toast-store';
import { SectionHeader } from './section-header';

/** Container registry logins; a password goes to the vault and is never shown again (only "set"). */
export function RegistriesSection({ registries, canEdit }: { registries: RegistryRow[]; canEdit: boolean }): ReactNode {
  const queryClient = useQueryClient();
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: ['settings:get'] });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<RegistryRow | null>(null);
  const [removing, setRemoving] = useState<RegistryRow | null>(null);
  /** Says what was saved, closes its form and reloads the list. */
  const saved =
    (done: string, passwordStored: string, closeForm: () => void) =>
    (row: RegistryRow): void => {
      toast({ tone: 'success', title: `${row.url} ${done}`, message: row.hasPassword ? passwordStored : 'No password stored.' });
      closeForm();
      refresh();
    };
  const add = useConsoleMutation('registries:add', { onSuccess: saved('added', 'The password is in the vault.', () => setAdding(false)) });
  const update = useConsoleMutation('registries:update', { onSuccess: saved('updated', 'A password is stored in the vault.', () => setEditing(null)) });
  const remove = useConsoleMutation('registries:remove', {
    onSuccess: refresh,
  });

  return (
    <section className="admin-section" aria-labelledby="settings-registries">
      <SectionHeader id="settings-registries" title="Container registries" addLabel="Add registry" onAdd={canEdit && !adding ? () => setAdding(true) : null} />
      <p className="muted">Logins for pushing and pulling agent images. Passwords and tokens are kept in the encrypted vault.</p>
      {adding ? <RegistryForm pending={add.isPending} onCancel={() => setAdding(false)} onSubmit={(value) => add.mutate(value)} /> : null}
      {registries.length === 0 ? (
        <p className="muted">No registries configured.</p>
      ) : (
        <table className="table" aria-label="Container registries">
          <thead>
            <tr>
              <th>Registry</th>
              <th>Username</th>
              <th>Password</th>
              <th>Updated</th>
              {canEdit ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {registries.map((registry) => (
              <tr key={registry.id} data-registry={registry.url}>
                <td className="mono">{registry.url}</td>
                <td className="mono">{registry.username ?? <span className="muted">—</span>}</td>
                <td>{registry.hasPassword ? <span className="badge found">set (in vault)</span> : <span className="badge">none</span>}</td>
                <td className="mono">{formatDateTime(registry.updatedAt)}</td>
                {canEdit ? (
                  <RowActionsCell>
                    <button type="button" className="button small" aria-label={`Change login of ${registry.url}`} onClick={() => setEditing(registry)}>
                      Change login
                    </button>
                    <button type="button" className="button small danger" aria-label={`Remove ${registry.url}`} onClick={() => setRemoving(registry)}>
                      Remove
                    </button>
                  </RowActionsCell>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? <LoginForm key={editing.id} registry={editing} pending={update.isPending} onCancel={() => setEditing(null)} onSubmit={(patch) => update.mutate({ id: editing.id, ...patch })} /> : null}
      <ConfirmRowDialog row={removing} title="Remove registry" confirmLabel="Remove" onClose={() => setRemoving(null)} onConfirm={(registry) => remove.mutate({ id: registry.id })}>
        {(registry) => (
          <p>
            Remove the login for <code>{registry.url}</code>? Its password is deleted from the vault.
          </p>
        )}
      </ConfirmRowDialog>
    </section>
  );
}

function RegistryForm({ pending, onSubmit, onCancel }: { pending: boolean; onSubmit(value: { url: string; username?: string; password?: string }): void; onCancel(): void }): ReactNode {
  const [url, setUrl] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form
      className="inline-panel stack"
      aria-label="Add registry"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({
          url: url.trim(),
          ...(username.trim() ? { username: username.trim() } : {}),
          ...(password ? { password } : {}),
        });
      }}
    >
      <div className="inline-form">
        <label className="field inline">
          <span>Registry</span>
          <input className="input mono" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="ghcr.io or registry.example.com:5000" required autoFocus spellCheck={false} />
        </label>
        <label className="field inline">
          <span>Username</span>
          <input className="input mono" value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" spellCheck={false} />
        </label>
        <label className="field inline">
          <span>Password or token</span>
          <input className="input mono" type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
        </label>
      </div>
      <FormActions submitLabel="Add registry" disabled={pending || !url.trim()} onCancel={onCancel} />
    </form>
  );
}

function LoginForm({ registry, pending, onSubmit, onCancel }: { registry: RegistryRow; pending: boolean; onSubmit(patch: { username?: string | null; password?: string | null }): void; onCancel(): void }): ReactNode {
  const [username, setUsername] = useState(registry.username ?? '');
  const [password, setPassword] = useState('');
  const [forget, setForget] = useState(false);
  return (
    <form
      className="inline-panel stack"
      aria-label={`Change login of ${registry.url}`}
      onSubmit={(event) => {
        event.preventDefault();
        const name = username.trim();
        onSubmit({
          ...(name !== (registry.username ?? '') ? { username: name === '' ? null : name } : {}),
          ...(forget ? { password: null } : password ? { password } : {}),
        });
      }}
    >
      <h3>
        Login for <span className="mono">{registry.url}</span>
      </h3>
      <div className="inline-form">
        <label className="field inline">
          <span>Username</span>
          <input className="input mono" value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" spellCheck={false} />
        </label>
        <label className="field inline">
          <span>New password or token</span>
          <input
            className="input mono"
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="new-password"
            disabled={forget}
            placeholder={registry.hasPassword ? 'unchanged' : 'none'}
          />
        </label>
        {registry.hasPassword ? (
          <label className="checkbox">
            <input type="checkbox" checked={forget} onChange={(event) => setForget(event.target.checked)} /> Remove the stored password
          </label>
        ) : null}
      </div>
      <FormActions submitLabel="Save login" disabled={pending} onCancel={onCancel} />
    </form>
  );
}

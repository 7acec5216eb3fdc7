import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SecretRow } from '../../../../src-shared/ipc/console-types';
import { ConfirmRowDialog } from '../../components/confirm-row-dialog';
import { ErrorMessage } from '../../components/error-message';
import { RowActionsCell } from '../../components/row-actions-cell';
import { useConsoleMutation, useConsoleQuery } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { formatDateTime } from '../../format/format';
import { toast } from '../../state/toast-store';
import { SecretForm } from './secret-form';

type EditState = { mode: 'add' } | { mode: 'edit' | 'rotate'; secret: SecretRow } | null;

const keyOf = (secret: Pick<SecretRow, 'name' | 'environment' | 'agent'>): string => `${secret.environment}/${secret.agent ?? '*'}/${secret.name}`;
const identity = (secret: SecretRow): { name: string; environment: 'dev' | 'prod'; agent?: string } => ({ name: secret.name, environment: secret.environment, ...(secret.agent ? { agent: secret.agent } : {}) });

/**
 * Secrets, masked: add, edit, rotate, reveal and delete for admins; the list for everyone.
 * `embedded`: a panel of the control panel (seed 002 #33), titled as one, not as a page.
 */
export function SecretsView({ embedded = false }: { embedded?: boolean }): ReactNode {
  const queryClient = useQueryClient();
  const isAdmin = useCan('secrets:set');
  const [environment, setEnvironment] = useState<'all' | 'dev' | 'prod'>('all');
  const secrets = useConsoleQuery('secrets:list', environment === 'all' ? {} : { environment });
  const [editing, setEditing] = useState<EditState>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState<SecretRow | null>(null);
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: ['secrets:list'] });

  const set = useConsoleMutation('secrets:set', {
    onSuccess: (row, input) => {
      toast({ tone: 'success', title: input.rotate ? `${row.name} rotated` : `${row.name} saved`, message: `${row.environment}${row.agent ? ` · ${row.agent}` : ''}: ${row.masked}` });
      setEditing(null);
      setRevealed((current) => {
        const next = { ...current };
        delete next[keyOf(row)];
        return next;
      });
      refresh();
    },
  });
  const reveal = useConsoleMutation('secrets:reveal', {
    onSuccess: (value, input) => setRevealed((current) => ({ ...current, [keyOf({ name: input.name, environment: input.environment, agent: input.agent ?? null })]: value.value })),
  });
  const remove = useConsoleMutation('secrets:delete', { onSuccess: refresh });

  return (
    <section className={embedded ? 'secrets control-card' : 'secrets'} aria-labelledby="secrets-title">
      <div className="view-header">
        {embedded ? <h2 id="secrets-title">Secrets</h2> : <h1 id="secrets-title">Secrets</h1>}
        <select className="input" aria-label="Environment" value={environment} onChange={(event) => setEnvironment(event.target.value as 'all' | 'dev' | 'prod')}>
          <option value="all">All environments</option>
          <option value="dev">dev</option>
          <option value="prod">prod</option>
        </select>
        <span className="spacer" />
        {isAdmin ? (
          <button type="button" className="button primary" onClick={() => setEditing({ mode: 'add' })}>
            Add secret
          </button>
        ) : null}
      </div>
      {editing ? (
        <SecretForm
          key={editing.mode === 'add' ? 'add' : `${editing.mode}-${keyOf(editing.secret)}`}
          mode={editing.mode}
          {...(editing.mode === 'add' ? {} : { existing: editing.secret })}
          pending={set.isPending}
          onCancel={() => setEditing(null)}
          onSubmit={(value) =>
            set.mutate({ name: value.name, value: value.value, environment: value.environment, ...(value.agent ? { agent: value.agent } : {}), ...(editing.mode === 'rotate' ? { rotate: true } : {}) })
          }
        />
      ) : null}
      {secrets.isError ? <ErrorMessage error={secrets.error} title="Could not load secrets" onRetry={() => void secrets.refetch()} /> : null}
      {secrets.isPending ? <p className="muted">Loading secrets…</p> : null}
      {secrets.data && secrets.data.length === 0 ? <p className="muted">No secrets{environment === 'all' ? '' : ` in ${environment}`}.</p> : null}
      {secrets.data && secrets.data.length > 0 ? (
        <table className="table" aria-label="Secrets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Environment</th>
              <th>Agent</th>
              <th>Value</th>
              <th>Updated by</th>
              <th>Updated</th>
              {isAdmin ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {secrets.data.map((secret) => {
              const key = keyOf(secret);
              const plain = revealed[key];
              return (
                <tr key={key} data-secret={secret.name}>
                  <td className="mono">{secret.name}</td>
                  <td>{secret.environment}</td>
                  <td>{secret.agent ?? <span className="muted">all</span>}</td>
                  <td className="mono">
                    {secret.unreadable ? <span className="error">unreadable: set it again</span> : plain !== undefined ? <span data-testid="revealed-value">{plain}</span> : secret.masked}
                  </td>
                  <td>{secret.createdBy}</td>
                  <td className="mono">{formatDateTime(secret.updatedAt)}</td>
                  {isAdmin ? (
                    <RowActionsCell>
                      {plain !== undefined ? (
                        <button type="button" className="button small" aria-label={`Hide ${secret.name}`} onClick={() => setRevealed((current) => Object.fromEntries(Object.entries(current).filter(([k]) => k !== key)))}>
                          Hide
                        </button>
                      ) : (
                        <button type="button" className="button small" aria-label={`Reveal ${secret.name}`} disabled={secret.unreadable} onClick={() => reveal.mutate(identity(secret))}>
                          Reveal
                        </button>
                      )}
                      <button type="button" className="button small" aria-label={`Edit ${secret.name}`} onClick={() => setEditing({ mode: 'edit', secret })}>
                        Edit
                      </button>
                      <button type="button" className="button small" aria-label={`Rotate ${secret.name}`} onClick={() => setEditing({ mode: 'rotate', secret })}>
                        Rotate
                      </button>
                      <button type="button" className="button small danger" aria-label={`Delete ${secret.name}`} onClick={() => setDeleting(secret)}>
                        Delete
                      </button>
                    </RowActionsCell>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <ConfirmRowDialog row={deleting} title="Delete secret" confirmLabel="Delete" onClose={() => setDeleting(null)} onConfirm={(secret) => remove.mutate(identity(secret))}>
        {(secret) => (
          <p>
            Delete <code>{secret.name}</code> ({secret.environment}
            {secret.agent ? `, ${secret.agent}` : ''})? Agents that use it fail at their next start until it is set again.
          </p>
        )}
      </ConfirmRowDialog>
    </section>
  );
}

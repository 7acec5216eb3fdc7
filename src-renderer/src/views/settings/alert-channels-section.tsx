import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AlertChannelRow, ChannelTestResult } from '../../../../src-shared/ipc/admin-types';
import { ConfirmRowDialog } from '../../components/confirm-row-dialog';
import { ErrorMessage } from '../../components/error-message';
import { RowActionsCell } from '../../components/row-actions-cell';
import { useConsoleMutation, useConsoleQuery } from '../../console/requests';
import { toast } from '../../state/toast-store';
import { ChannelForm } from './channel-form';
import { SectionHeader } from './section-header';

/** Where alerts go: Slack-compatible webhooks and SMTP. The URL or password is in the vault; only the host is shown. */
export function AlertChannelsSection({ canEdit }: { canEdit: boolean }): ReactNode {
  const queryClient = useQueryClient();
  const channels = useConsoleQuery('alerts:channels:list', {});
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: ['alerts:channels:list'] });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<AlertChannelRow | null>(null);
  const [tests, setTests] = useState<Record<string, ChannelTestResult>>({});
  const add = useConsoleMutation('alerts:channels:add', {
    onSuccess: (row) => {
      toast({
        tone: 'success',
        title: `Channel ${row.name} added`,
        message: `${row.destination}. Send a test message to check it.`,
      });
      setAdding(false);
      refresh();
    },
  });
  const update = useConsoleMutation('alerts:channels:update', {
    onSuccess: refresh,
  });
  const remove = useConsoleMutation('alerts:channels:remove', {
    onSuccess: refresh,
  });
  const test = useConsoleMutation('alerts:channels:test', {
    onSuccess: (result) => setTests((current) => ({ ...current, [result.channel]: result })),
  });

  return (
    <section className="admin-section" aria-labelledby="settings-channels">
      <SectionHeader id="settings-channels" title="Alert channels" addLabel="Add channel" onAdd={canEdit && !adding ? () => setAdding(true) : null} />
      <p className="muted">Budget, error-rate and latency alerts go to these, once per threshold crossing.</p>
      {adding ? <ChannelForm pending={add.isPending} onCancel={() => setAdding(false)} onSubmit={(value) => add.mutate(value)} /> : null}
      {channels.isError ? <ErrorMessage error={channels.error} title="Could not load the alert channels" onRetry={() => void channels.refetch()} /> : null}
      {channels.data && channels.data.length === 0 ? <p className="muted">No alert channels: alerts show in the console only.</p> : null}
      {channels.data && channels.data.length > 0 ? (
        <table className="table" aria-label="Alert channels">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Destination</th>
              <th>From severity</th>
              <th>Resolved</th>
              <th>State</th>
              {canEdit ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {channels.data.map((channel) => {
              const result = tests[channel.name];
              const testing = test.isPending && test.variables?.name === channel.name;
              return (
                <tr key={channel.name} data-channel={channel.name}>
                  <td className="mono">{channel.name}</td>
                  <td>{channel.kind === 'webhook' ? 'webhook' : 'e-mail'}</td>
                  <td className="mono">{channel.destination}</td>
                  <td>{channel.minSeverity}</td>
                  <td>{channel.sendResolved ? 'yes' : 'no'}</td>
                  <td aria-live="polite">
                    {channel.enabled ? <span className="badge found">enabled</span> : <span className="badge">disabled</span>} {testing ? <span className="muted">sending a test…</span> : null}
                    {!testing && result ? (
                      result.ok ? (
                        <span className="badge found">test sent</span>
                      ) : (
                        <span className="connection-detail error">
                          test failed after {result.attempts} attempt(s): {result.error}
                        </span>
                      )
                    ) : null}
                  </td>
                  {canEdit ? (
                    <RowActionsCell>
                      <button type="button" className="button small" aria-label={`Send a test message to ${channel.name}`} onClick={() => test.mutate({ name: channel.name })} disabled={testing}>
                        Test
                      </button>
                      <button type="button" className="button small" aria-label={`${channel.enabled ? 'Disable' : 'Enable'} ${channel.name}`} onClick={() => update.mutate({ name: channel.name, enabled: !channel.enabled })}>
                        {channel.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="button" className="button small danger" aria-label={`Remove ${channel.name}`} onClick={() => setRemoving(channel)}>
                        Remove
                      </button>
                    </RowActionsCell>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <ConfirmRowDialog row={removing} title="Remove alert channel" confirmLabel="Remove" onClose={() => setRemoving(null)} onConfirm={(channel) => remove.mutate({ name: channel.name })}>
        {(channel) => (
          <p>
            Remove <code>{channel.name}</code> ({channel.destination})? Alerts stop going there, and its {channel.kind === 'webhook' ? 'URL' : 'password'} is deleted from the vault.
          </p>
        )}
      </ConfirmRowDialog>
    </section>
  );
}

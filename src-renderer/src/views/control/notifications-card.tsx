import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { NotificationRow } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { patchNotificationsCache } from '../../console/control-cache';
import { useConsoleMutation, useConsoleQuery } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { formatClock } from '../../format/format';
import { BudgetRaiseDialog } from './budget-raise-dialog';
import type { BudgetRaiseRequest } from './budget-raise-dialog';
import { ControlCard } from './control-card';

const SEVERITY_ICON: Record<NotificationRow['severity'], string> = { critical: '✖', warning: '⚠', info: 'ℹ' };

/**
 * Seed 002 #24: unread notifications — circuit breaker, PII, budget and health — newest first,
 * kept live by the shell's `notifications:changes` subscription; dismissible, and a budget warning
 * carries "Approve budget increase" for admins.
 */
export function NotificationsCard({ agent }: { agent?: string }): ReactNode {
  const queryClient = useQueryClient();
  const list = useConsoleQuery('notifications:list', agent === undefined ? {} : { agent });
  const canDismiss = useCan('notifications:dismiss');
  const canRaise = useCan('budget:raise');
  const [raising, setRaising] = useState<BudgetRaiseRequest | null>(null);
  const dismiss = useConsoleMutation('notifications:dismiss', {
    // The stream tells every window; this one need not wait for it.
    onSuccess: (_result, input) => patchNotificationsCache(queryClient, { type: 'dismissed', ids: input.ids }),
  });
  const rows = list.data ?? [];
  return (
    <ControlCard
      id="notifications"
      title={`Notifications${rows.length ? ` (${rows.length})` : ''}`}
      actions={
        canDismiss && rows.length > 1 ? (
          <button type="button" className="button small ghost" onClick={() => dismiss.mutate({ ids: rows.map((row) => row.id) })}>
            Dismiss all
          </button>
        ) : null
      }
    >
      {list.isError ? <ErrorMessage error={list.error} title="Could not load notifications" onRetry={() => void list.refetch()} /> : null}
      {list.isPending ? <p className="muted">Loading notifications…</p> : null}
      {list.data && rows.length === 0 ? <p className="muted">Nothing needs attention.</p> : null}
      <ul className="notification-list" aria-label="Notifications">
        {rows.map((row) => (
          <li key={row.id} className={`notification severity-${row.severity}`} data-source={row.source}>
            <div className="notification-head">
              <span className="notification-icon" aria-hidden="true">
                {SEVERITY_ICON[row.severity]}
              </span>
              <strong>{row.title}</strong>
              <span className="mono muted">{formatClock(row.createdAt)}</span>
            </div>
            <p className="notification-body">{row.body}</p>
            {(row.action && canRaise) || canDismiss ? (
              <div className="row-actions">
                {row.action && canRaise ? (
                  <button
                    type="button"
                    className="button small primary"
                    onClick={() => row.action && setRaising({ agent: row.action.agent, currentLimitUsd: row.action.currentLimitUsd, suggestedLimitUsd: row.action.suggestedLimitUsd, notificationId: row.id })}
                  >
                    Approve budget increase
                  </button>
                ) : null}
                {canDismiss ? (
                  <button type="button" className="button small" aria-label={`Dismiss: ${row.title}`} onClick={() => dismiss.mutate({ ids: [row.id] })}>
                    Dismiss
                  </button>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <BudgetRaiseDialog request={raising} onClose={() => setRaising(null)} />
    </ControlCard>
  );
}

/**
 * Live updates of the control panel without polling (the fleet-cache.ts pattern): each
 * `telemetry:events` event is folded into every cached `control:snapshot` it concerns with the
 * same fold main used to build the snapshot (src-shared/ipc/control-fold.ts), and each
 * `notifications:changes` change is applied to the cached `notifications:list` entries.
 */
import type { QueryClient } from '@tanstack/react-query';
import { countsForControl, foldControlEvents } from '../../../src-shared/ipc/control-fold';
import type { ControlSnapshot, LiveEvent, NotificationChange, NotificationRow } from '../../../src-shared/ipc/console-types';
import { queryKeyFor } from './requests';

/** The snapshot with the event counted, when the event is about its agent (or it is the fleet's). */
export function applyEventToSnapshot(snapshot: ControlSnapshot | undefined, event: LiveEvent): ControlSnapshot | undefined {
  if (!snapshot || !countsForControl(event)) return snapshot;
  if (snapshot.agent !== null && snapshot.agent !== event.agent) return snapshot;
  const counters = foldControlEvents(snapshot.counters, [event]);
  return counters === snapshot.counters ? snapshot : { ...snapshot, counters };
}

/** An unread list after a change; `filter` is the list's query input. Undefined stays undefined (not loaded yet). */
export function applyNotificationChange(rows: readonly NotificationRow[] | undefined, change: NotificationChange, filter: { agent?: string; includeRead?: boolean } = {}): NotificationRow[] | undefined {
  if (!rows) return undefined;
  if (change.type === 'added') {
    if (filter.agent !== undefined && change.notification.agent !== filter.agent) return [...rows];
    if (rows.some((row) => row.id === change.notification.id)) return [...rows];
    return [change.notification, ...rows];
  }
  const dismissed = new Set(change.ids);
  if (filter.includeRead) return rows.map((row) => (dismissed.has(row.id) && row.readAt === null ? { ...row, readAt: new Date().toISOString(), action: null } : row));
  return rows.filter((row) => !dismissed.has(row.id));
}

/**
 * Folds one live event into the cached snapshot of `scope` (the panel's own query, fed by its own
 * `telemetry:events` subscription of the same scope). Other scopes' cached snapshots are left to
 * refetch when shown: they did not hear the events this subscription does not carry.
 */
export function patchControlCache(queryClient: QueryClient, scope: { agent?: string }, event: LiveEvent): void {
  if (!countsForControl(event)) return;
  queryClient.setQueryData<ControlSnapshot>(queryKeyFor('control:snapshot', scope), (snapshot) => applyEventToSnapshot(snapshot, event));
}

/** Applies one notification change to every cached list. */
export function patchNotificationsCache(queryClient: QueryClient, change: NotificationChange): void {
  for (const [key, rows] of queryClient.getQueriesData<NotificationRow[]>({ queryKey: ['notifications:list'] })) {
    const filter = (key[1] ?? {}) as { agent?: string; includeRead?: boolean };
    queryClient.setQueryData(key, applyNotificationChange(rows, change, filter));
  }
}

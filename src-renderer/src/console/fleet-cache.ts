/**
 * Applies `fleet:changes` events to the cached fleet table (`['agents:list']`) and to an open
 * agent's detail, so the table and panels update without polling (the Headlamp pattern: watch
 * events patch the query cache).
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AgentDetail, AgentRow, FleetChange } from '../../../src-shared/ipc/console-types';
import { sameRow } from '../../../src-shared/ipc/fleet-row-equality';

/**
 * The rows after a batch of changes (one frame's worth), in name order. The same array comes back
 * when nothing differs (a watch re-sending rows the table has), so nothing re-renders; undefined
 * stays undefined (not loaded yet: the first fetch will have it).
 */
export function applyFleetChanges(rows: readonly AgentRow[] | undefined, changes: readonly FleetChange[]): readonly AgentRow[] | undefined {
  if (!rows) return undefined;
  const byId = new Map(rows.map((row) => [row.agentId, row]));
  let changed = false;
  let added = false;
  for (const change of changes) {
    if (change.type === 'remove') {
      changed = byId.delete(change.agentId) || changed;
      continue;
    }
    const before = byId.get(change.row.agentId);
    if (before && sameRow(before, change.row)) continue;
    added ||= before === undefined;
    byId.set(change.row.agentId, change.row);
    changed = true;
  }
  if (!changed) return rows;
  const next = [...byId.values()];
  return added ? next.sort((a, b) => a.agent.localeCompare(b.agent)) : next;
}

/** An agent detail with its row replaced when the change concerns it. */
export function applyFleetChangeToDetail(detail: AgentDetail | undefined, change: FleetChange): AgentDetail | undefined {
  if (!detail || change.type !== 'upsert' || change.row.agentId !== detail.row.agentId) return detail;
  return { ...detail, row: change.row };
}

/** Patches every cache entry a batch of changes concerns. */
export function patchFleetCache(queryClient: QueryClient, changes: readonly FleetChange[]): void {
  queryClient.setQueryData<readonly AgentRow[]>(['agents:list'], (rows) => applyFleetChanges(rows, changes));
  for (const change of changes) {
    if (change.type !== 'upsert') continue;
    const key = ['agents:get', { agent: change.row.agent }];
    const before = queryClient.getQueryData<AgentDetail>(key);
    if (!before) continue;
    // A new active version means new versions/deployments: refetch the detail rather than guess.
    if (before.row.version !== change.row.version) void queryClient.invalidateQueries({ queryKey: key });
    else queryClient.setQueryData<AgentDetail>(key, (detail) => applyFleetChangeToDetail(detail, change));
  }
}

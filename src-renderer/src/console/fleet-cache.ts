/**
 * Applies `fleet:changes` events to the cached fleet table (`['agents:list']`) and to an open
 * agent's detail, so the table and panels update without polling (the Headlamp pattern: watch
 * events patch the query cache).
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AgentDetail, AgentRow, FleetChange } from '../../../src-shared/ipc/console-types';

/** The rows after one change; undefined stays undefined (not loaded yet: the first fetch will have it). */
export function applyFleetChange(rows: readonly AgentRow[] | undefined, change: FleetChange): AgentRow[] | undefined {
  if (!rows) return undefined;
  if (change.type === 'remove') {
    return rows.some((row) => row.agentId === change.agentId) ? rows.filter((row) => row.agentId !== change.agentId) : [...rows];
  }
  const index = rows.findIndex((row) => row.agentId === change.row.agentId);
  if (index === -1) return [...rows, change.row].sort((a, b) => a.agent.localeCompare(b.agent));
  const next = [...rows];
  next[index] = change.row;
  return next;
}

/** An agent detail with its row replaced when the change concerns it. */
export function applyFleetChangeToDetail(detail: AgentDetail | undefined, change: FleetChange): AgentDetail | undefined {
  if (!detail || change.type !== 'upsert' || change.row.agentId !== detail.row.agentId) return detail;
  return { ...detail, row: change.row };
}

/** Patches every cache entry a change concerns. */
export function patchFleetCache(queryClient: QueryClient, change: FleetChange): void {
  queryClient.setQueryData<AgentRow[]>(['agents:list'], (rows) => applyFleetChange(rows, change));
  if (change.type === 'upsert') {
    const key = ['agents:get', { agent: change.row.agent }];
    const before = queryClient.getQueryData<AgentDetail>(key);
    // A new active version means new versions/deployments: refetch the detail rather than guess.
    if (before && before.row.version !== change.row.version) void queryClient.invalidateQueries({ queryKey: key });
    else queryClient.setQueryData<AgentDetail>(key, (detail) => applyFleetChangeToDetail(detail, change));
  }
}

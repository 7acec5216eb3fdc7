/**
 * The control panel's data: `control:snapshot` for the agent (or the fleet), patched by every
 * `telemetry:events` event of the same scope as it arrives (control-cache.ts). What the events
 * cannot carry — latency percentiles, runs per hour, uptime, and the agents' status, versions and
 * budgets — is refetched when runs finish and when the fleet table (kept live by `fleet:changes`)
 * shows a deployment, health or budget change in scope: at once, then at most once per
 * `refreshMs` while more come. Driven by the streams, never by a poll.
 */
import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { UseQueryResult } from '@tanstack/react-query';
import type { AgentRow, ControlSnapshot } from '../../../../src-shared/ipc/console-types';
import { patchControlCache } from '../../console/control-cache';
import { queryKeyFor, useConsoleQuery, useConsoleStream } from '../../console/requests';

/** The shortest gap between two refetches. */
const REFRESH_MS = 2000;

/** What of the fleet rows in scope the snapshot shows but no event patches. */
export function fleetSignature(rows: readonly AgentRow[] | undefined, agent: string | undefined): string {
  return (rows ?? [])
    .filter((row) => agent === undefined || row.agent === agent)
    .map((row) => `${row.agentId}:${row.deploymentId ?? '-'}:${row.version ?? '-'}:${row.health}:${row.replicasReady}/${row.replicasWanted}:${row.budgetLimitUsd ?? '-'}`)
    .join('|');
}

/** The snapshot query of `agent` (undefined: the fleet), kept live. */
export function useControlSnapshot(agent: string | undefined, refreshMs = REFRESH_MS): UseQueryResult<ControlSnapshot, Error> {
  const scope = agent === undefined ? {} : { agent };
  const queryClient = useQueryClient();
  // Mounting refetches: a cached snapshot of another scope did not hear this scope's events.
  const query = useConsoleQuery('control:snapshot', scope, { staleTime: 0 });
  const fleet = useConsoleQuery('agents:list', {});
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRefresh = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);

  const refresh = (): void => {
    if (timer.current !== undefined) return;
    const run = (): void => {
      timer.current = undefined;
      lastRefresh.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: queryKeyFor('control:snapshot', scope), exact: true });
    };
    const wait = lastRefresh.current + refreshMs - Date.now();
    if (wait <= 0) run();
    else timer.current = setTimeout(run, wait);
  };

  const signature = fleetSignature(fleet.data, agent);
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    // The first rows are what the snapshot was just fetched with; later changes are news.
    if (seen.current !== undefined && seen.current !== signature) refresh();
    if (fleet.data) seen.current = signature;
  });

  useConsoleStream('telemetry:events', scope, (event) => {
    patchControlCache(queryClient, scope, event);
    if (event.type === 'run_end') refresh();
  });
  return query;
}

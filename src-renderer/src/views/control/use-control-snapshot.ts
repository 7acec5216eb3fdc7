/**
 * The control panel's data: `control:snapshot` for the agent (or the fleet), patched by every
 * `telemetry:events` event of the same scope as it arrives (control-cache.ts). What the events
 * cannot carry — latency percentiles, runs per hour, uptime — is refetched after runs finish,
 * at most once per `refreshMs`: driven by the stream, never by a poll.
 */
import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ControlSnapshot } from '../../../../src-shared/ipc/console-types';
import { patchControlCache } from '../../console/control-cache';
import { queryKeyFor, useConsoleQuery, useConsoleStream } from '../../console/requests';

/** After the first run_end, how long to let others ride along before one refetch. */
const REFRESH_MS = 2000;

/** The snapshot query of `agent` (undefined: the fleet), kept live. */
export function useControlSnapshot(agent: string | undefined, refreshMs = REFRESH_MS): UseQueryResult<ControlSnapshot, Error> {
  const scope = agent === undefined ? {} : { agent };
  const queryClient = useQueryClient();
  // Mounting refetches: a cached snapshot of another scope did not hear this scope's events.
  const query = useConsoleQuery('control:snapshot', scope, { staleTime: 0 });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useConsoleStream('telemetry:events', scope, (event) => {
    patchControlCache(queryClient, scope, event);
    if (event.type !== 'run_end' || timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: queryKeyFor('control:snapshot', scope), exact: true });
    }, refreshMs);
  });
  return query;
}

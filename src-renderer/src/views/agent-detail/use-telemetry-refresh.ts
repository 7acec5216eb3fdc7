/**
 * Refetches an agent's queries when its runtime reports something they show: the live
 * `telemetry:events` stream is the trigger, never a fast poll. Events are coalesced — the first
 * one starts a short wait and everything arriving meanwhile rides along — so a busy agent costs
 * one refetch per interval, and a quiet one none.
 */
import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { RequestChannel } from '../../../../src-shared/ipc/contract';
import { useConsoleStream } from '../../console/requests';

/** Refetches `channel`'s queries for `agent` at most once per `delayMs` while events of `types` arrive. */
export function useTelemetryRefresh(agent: string, channel: RequestChannel, types: readonly string[], delayMs = 1500): void {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useConsoleStream('telemetry:events', { agent }, (event) => {
    if (!types.includes(event.type) || timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] === channel && (query.queryKey[1] as { agent?: string } | undefined)?.agent === agent });
    }, delayMs);
  });
}

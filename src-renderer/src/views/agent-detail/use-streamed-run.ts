/**
 * One streamed playground run at a time over `agents:invoke-stream`: events fold into a
 * StreamedRun as they arrive; `stop()`, a new run, or leaving the view unsubscribes, which
 * cancels the run in the runtime (main aborts its request).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StreamInput } from '../../../../src-shared/ipc/contract';
import { ConsoleRequestError } from '../../../../src-shared/ipc/envelope';
import { useConnection } from '../../console/connection-manager';
import { applyRunEvent, endRun, startedRun } from './streamed-run';
import type { StreamedRun } from './streamed-run';

export interface StreamedRunControls {
  run: StreamedRun | null;
  /** Why the console stream itself failed (not running, refused, connection lost), as a ConsoleRequestError. */
  failure: ConsoleRequestError | null;
  start(input: StreamInput<'agents:invoke-stream'>): void;
  stop(): void;
}

export function useStreamedRun(): StreamedRunControls {
  const client = useConnection((state) => state.client);
  const [run, setRun] = useState<StreamedRun | null>(null);
  const [failure, setFailure] = useState<ConsoleRequestError | null>(null);
  const unsubscribe = useRef<(() => void) | null>(null);
  const runs = useRef(0);

  const release = useCallback((): void => {
    runs.current++;
    unsubscribe.current?.();
    unsubscribe.current = null;
  }, []);

  // Leaving the view (or a new connection) cancels what is running.
  useEffect(() => release, [client, release]);

  const start = useCallback(
    (input: StreamInput<'agents:invoke-stream'>): void => {
      release();
      setFailure(null);
      if (!client) {
        setFailure(new ConsoleRequestError({ code: 'E3004', name: 'Disconnected', message: 'Not connected to AgentDock yet; wait for the connection or reload.' }));
        return;
      }
      setRun(startedRun());
      // Events of an earlier run never touch this one (a closed client ends the stream inside subscribe()).
      const generation = ++runs.current;
      const isCurrent = (): boolean => runs.current === generation;
      const stopThis = client.subscribe(
        'agents:invoke-stream',
        input,
        (event) => {
          if (isCurrent()) setRun((current) => (current ? applyRunEvent(current, event) : current));
        },
        (error) => {
          if (!isCurrent()) return;
          unsubscribe.current = null;
          if (error) setFailure(new ConsoleRequestError(error));
          // Refused before the run started (not running, not allowed): the error says it all.
          setRun((current) => (!current || (error && current.traceId === null) ? null : endRun(current, 'ended')));
        },
      );
      unsubscribe.current = stopThis;
    },
    [client, release],
  );

  const stop = useCallback((): void => {
    release();
    setRun((current) => (current ? endRun(current, 'stopped') : current));
  }, [release]);

  return { run, failure, start, stop };
}

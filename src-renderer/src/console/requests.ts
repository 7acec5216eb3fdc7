/**
 * TanStack Query over the console contract: every query and mutation calls `client.request` and
 * `unwrap`s the envelope, so a failure reaches the view as a ConsoleRequestError with its code.
 * Query keys are `[channel]` for inputless requests (`['agents:list']`) and `[channel, input]`
 * otherwise, so stream events can patch exactly the entries they concern.
 */
import { useEffect, useRef } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { UseMutationResult, UseQueryOptions, UseQueryResult } from '@tanstack/react-query';
import type { ConsoleClient } from '../../../src-shared/ipc/client';
import type { RequestChannel, RequestInput, RequestOutput, RequestProgress, StreamChannel, StreamEvent, StreamInput } from '../../../src-shared/ipc/contract';
import { ConsoleRequestError, unwrap } from '../../../src-shared/ipc/envelope';
import type { ConsoleErrorBody } from '../../../src-shared/ipc/envelope';
import { useConnection } from './connection-manager';

/** The query key of a request. */
export function queryKeyFor<C extends RequestChannel>(channel: C, input: RequestInput<C>): readonly unknown[] {
  return Object.keys(input as object).length === 0 ? [channel] : [channel, input];
}

function currentClient(): ConsoleClient {
  const client = useConnection.getState().client;
  if (!client) throw new ConsoleRequestError({ code: 'E3004', name: 'Disconnected', message: 'Not connected to AgentDock yet; wait for the connection or reload.' });
  return client;
}

/** Sends one request on the live client and returns its value (or throws its ConsoleRequestError). */
export async function callConsole<C extends RequestChannel>(
  channel: C,
  input: RequestInput<C>,
  options: { signal?: AbortSignal; onProgress?: (progress: RequestProgress<C>) => void } = {},
): Promise<RequestOutput<C>> {
  return unwrap(await currentClient().request(channel, input, options));
}

/** A query on one request channel. */
export function useConsoleQuery<C extends RequestChannel>(
  channel: C,
  input: RequestInput<C>,
  options: Omit<UseQueryOptions<RequestOutput<C>, Error>, 'queryKey' | 'queryFn'> = {},
): UseQueryResult<RequestOutput<C>, Error> {
  return useQuery<RequestOutput<C>, Error>({
    queryKey: queryKeyFor(channel, input),
    // No signal passed: TanStack aborts on unmount, and a cancelled read is not worth a round trip.
    queryFn: () => callConsole(channel, input),
    ...options,
  });
}

/** A mutation on one request channel (failures also raise a toast, see query-client.ts). */
export function useConsoleMutation<C extends RequestChannel>(
  channel: C,
  options: { onSuccess?: (value: RequestOutput<C>, input: RequestInput<C>) => void; onProgress?: (progress: RequestProgress<C>) => void } = {},
): UseMutationResult<RequestOutput<C>, Error, RequestInput<C>> {
  return useMutation<RequestOutput<C>, Error, RequestInput<C>>({
    mutationKey: [channel],
    mutationFn: (input) => callConsole(channel, input, options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onSuccess ? { onSuccess: options.onSuccess } : {}),
  });
}

/** Subscribes to a stream for as long as the component lives (and again on every new client). */
export function useConsoleStream<C extends StreamChannel>(
  stream: C,
  input: StreamInput<C>,
  onEvent: (event: StreamEvent<C>) => void,
  options: { enabled?: boolean; onEnd?: (error?: ConsoleErrorBody) => void } = {},
): void {
  const client = useConnection((state) => state.client);
  const handler = useRef(onEvent);
  const endHandler = useRef(options.onEnd);
  useEffect(() => {
    handler.current = onEvent;
    endHandler.current = options.onEnd;
  });
  const inputKey = JSON.stringify(input);
  const enabled = options.enabled ?? true;
  useEffect(() => {
    if (!client || !enabled) return;
    return client.subscribe(
      stream,
      JSON.parse(inputKey) as StreamInput<C>,
      (event) => handler.current(event),
      (error) => endHandler.current?.(error),
    );
  }, [client, stream, inputKey, enabled]);
}

/** `E2004 AgentNotFound: …` for any thrown value. */
export function describeError(error: unknown): { code: string | null; name: string | null; message: string } {
  if (error instanceof ConsoleRequestError) return { code: error.code, name: error.name, message: error.message };
  if (error instanceof Error) return { code: null, name: null, message: error.message };
  return { code: null, name: null, message: String(error) };
}

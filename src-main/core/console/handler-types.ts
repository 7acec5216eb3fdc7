/**
 * What main must implement for the console contract: one handler per request and per stream.
 * `ConsoleHandlers` is a mapped type over the contract, so a channel added to
 * src-shared/ipc/contract.ts without its handler (or with the wrong result type) fails to compile.
 */
import type { ParsedRequestInput, ParsedStreamInput, RequestChannel, RequestOutput, RequestProgress, StreamChannel, StreamEvent } from '../../../src-shared/ipc/contract';
import type { Disposable } from '../contracts';
import type { ConsolePrincipal } from './console-session';

export interface RequestContext<C extends RequestChannel> {
  principal: ConsolePrincipal;
  /** Aborted when the caller cancels or its window / socket goes away. */
  signal: AbortSignal;
  progress(value: RequestProgress<C>): void;
}

export interface StreamContext<C extends StreamChannel> {
  principal: ConsolePrincipal;
  emit(event: StreamEvent<C>): void;
  /** Ends the stream with an error (the source failed for good). */
  fail(error: unknown): void;
  /** Ends the stream normally (a finite source, such as one streamed run, is done); disposes it. */
  end(): void;
}

export type RequestHandler<C extends RequestChannel> = (input: ParsedRequestInput<C>, context: RequestContext<C>) => Promise<RequestOutput<C>>;
export type StreamHandler<C extends StreamChannel> = (input: ParsedStreamInput<C>, context: StreamContext<C>) => Disposable | Promise<Disposable>;

export interface ConsoleHandlers {
  requests: { [C in RequestChannel]: RequestHandler<C> };
  streams: { [C in StreamChannel]: StreamHandler<C> };
}

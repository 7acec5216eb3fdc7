/**
 * The caller's side of the console contract, over any transport (Electron preload, WebSocket, or
 * an in-process pair in tests). Typed by the contract: `request('agents:get', { agent })` knows
 * its input and result. Requests can be cancelled with an AbortSignal and report progress;
 * subscriptions return their unsubscribe function. When the transport closes, every pending
 * request settles with E3004 and every stream ends with it: nothing waits forever.
 */
import { failure } from './envelope';
import type { ConsoleErrorBody, Result } from './envelope';
import type { RequestChannel, RequestInput, RequestOutput, RequestProgress, StreamChannel, StreamEvent, StreamInput } from './contract';
import type { ClientMessage, ServerMessage } from './protocol';

/** What carries messages: the preload's `window.api`, a WebSocket, a test pair. */
export interface ConsoleTransport {
  send(message: ClientMessage): void;
  /** Registers the one message listener; returns its removal. */
  onMessage(listener: (message: ServerMessage) => void): () => void;
  /** Called once when the connection is gone for good. */
  onClose(listener: (reason: string) => void): () => void;
}

export type Unsubscribe = () => void;

interface PendingRequest {
  settle(result: Result<unknown>): void;
  onProgress?: (progress: unknown) => void;
}

interface OpenStream {
  onEvent(event: unknown): void;
  onEnd?: (error?: ConsoleErrorBody) => void;
}

export class ConsoleClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly streams = new Map<number, OpenStream>();
  private closedReason: string | undefined;
  private readonly detach: (() => void)[];

  constructor(private readonly transport: ConsoleTransport) {
    this.detach = [transport.onMessage((message) => this.receive(message)), transport.onClose((reason) => this.close(reason))];
  }

  /** Sends a request; resolves with its envelope (never rejects). */
  request<C extends RequestChannel>(
    channel: C,
    input: RequestInput<C>,
    options: { signal?: AbortSignal; onProgress?: (progress: RequestProgress<C>) => void } = {},
  ): Promise<Result<RequestOutput<C>>> {
    if (this.closedReason !== undefined) return Promise.resolve(failure('E3004', this.closedReason));
    if (options.signal?.aborted) return Promise.resolve(failure('E3003', `${channel} was cancelled before it was sent.`));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const abort = (): void => this.transport.send({ type: 'cancel', id });
      options.signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(id, {
        settle: (result) => {
          options.signal?.removeEventListener('abort', abort);
          resolve(result as Result<RequestOutput<C>>);
        },
        ...(options.onProgress ? { onProgress: options.onProgress as (progress: unknown) => void } : {}),
      });
      this.transport.send({ type: 'request', id, channel, input });
    });
  }

  /** Opens a stream; `onEnd` runs once if main ends it (refused, failed, or the connection lost), not after unsubscribe. */
  subscribe<C extends StreamChannel>(stream: C, input: StreamInput<C>, onEvent: (event: StreamEvent<C>) => void, onEnd?: (error?: ConsoleErrorBody) => void): Unsubscribe {
    if (this.closedReason !== undefined) {
      onEnd?.(failure('E3004', this.closedReason).error);
      return () => undefined;
    }
    const id = this.nextId++;
    this.streams.set(id, { onEvent: onEvent as (event: unknown) => void, ...(onEnd ? { onEnd } : {}) });
    this.transport.send({ type: 'subscribe', id, stream, input });
    return () => {
      if (!this.streams.delete(id) || this.closedReason !== undefined) return;
      this.transport.send({ type: 'unsubscribe', id });
    };
  }

  /** Open requests and streams (the e2e suites assert these return to zero). */
  get openCount(): { requests: number; streams: number } {
    return { requests: this.pending.size, streams: this.streams.size };
  }

  /** Ends everything: pending requests settle with E3004, streams end with it. */
  close(reason = 'The connection to AgentDock closed.'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const remove of this.detach) remove();
    const error = failure('E3004', reason);
    for (const request of this.pending.values()) request.settle(error);
    for (const stream of this.streams.values()) stream.onEnd?.(error.error);
    this.pending.clear();
    this.streams.clear();
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'result': {
        const request = this.pending.get(message.id);
        this.pending.delete(message.id);
        request?.settle(message.result);
        return;
      }
      case 'progress':
        this.pending.get(message.id)?.onProgress?.(message.progress);
        return;
      case 'event':
        this.streams.get(message.id)?.onEvent(message.event);
        return;
      case 'end': {
        const stream = this.streams.get(message.id);
        this.streams.delete(message.id);
        stream?.onEnd?.(message.error);
        return;
      }
    }
  }
}

/**
 * Main's side of one connection (an Electron window, a serve-mode WebSocket): parses every
 * message as untrusted, checks the role, validates the input with the contract's schema, runs the
 * handler, and answers with the one envelope. It owns what the connection started — running
 * requests (cancelled through their AbortSignal) and open streams (disposed) — and `dispose()`
 * ends them all when the window or socket goes away, so nothing outlives its caller.
 */
import { consoleContract, roleAllows } from '../../../src-shared/ipc/contract';
import type { RequestChannel, StreamChannel } from '../../../src-shared/ipc/contract';
import type { ConsoleRole } from '../../../src-shared/ipc/console-types';
import { failure, ok } from '../../../src-shared/ipc/envelope';
import type { ConsoleErrorBody, Result } from '../../../src-shared/ipc/envelope';
import { clientMessageSchema } from '../../../src-shared/ipc/protocol';
import type { ServerMessage } from '../../../src-shared/ipc/protocol';
import { CoreError, errorMessage } from '../contracts';
import type { Disposable } from '../contracts';
import type { ConsoleHandlers } from './handler-types';

/** Who is on the other end. */
export interface ConsolePrincipal {
  user: string;
  role: ConsoleRole;
}

export interface ConsoleSessionOptions {
  handlers: ConsoleHandlers;
  principal: ConsolePrincipal;
  send(message: ServerMessage): void;
  /** Where unexpected failures are written in full (the caller gets E3005 and a short message). */
  log?: (message: string) => void;
}

const isRequest = (channel: string): channel is RequestChannel => Object.hasOwn(consoleContract.requests, channel);
const isStream = (channel: string): channel is StreamChannel => Object.hasOwn(consoleContract.streams, channel);

export class ConsoleSession {
  private readonly running = new Map<number, AbortController>();
  private readonly streams = new Map<number, Promise<Disposable | undefined>>();
  private disposed = false;

  constructor(private readonly options: ConsoleSessionOptions) {}

  /** Handles one message from the client, whatever it is. */
  receive(raw: unknown): void {
    if (this.disposed) return;
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      // No trustworthy id to answer on: a well-formed client never sends this; log and drop.
      this.log(`console: dropped a malformed message: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'request':
        void this.runRequest(message.id, message.channel, message.input);
        return;
      case 'cancel':
        this.running.get(message.id)?.abort();
        return;
      case 'subscribe':
        this.openStream(message.id, message.stream, message.input);
        return;
      case 'unsubscribe':
        this.closeStream(message.id);
        return;
    }
  }

  /** Open requests and streams (tests assert these return to zero). */
  get openCount(): { requests: number; streams: number } {
    return { requests: this.running.size, streams: this.streams.size };
  }

  /** Cancels every running request and disposes every stream. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    for (const id of [...this.streams.keys()]) this.closeStream(id);
  }

  private async runRequest(id: number, channel: string, input: unknown): Promise<void> {
    if (this.running.has(id)) return this.send({ type: 'result', id, result: failure('E3001', `Request id ${id} is already in use on this connection.`) });
    const controller = new AbortController();
    this.running.set(id, controller);
    let result: Result<unknown>;
    try {
      result = await this.call(id, channel, input, controller.signal);
    } finally {
      this.running.delete(id);
    }
    if (!this.disposed) this.send({ type: 'result', id, result });
  }

  private async call(id: number, channel: string, input: unknown, signal: AbortSignal): Promise<Result<unknown>> {
    if (!isRequest(channel)) return failure('E3006', `There is no request ${JSON.stringify(channel)}; the console and main may be different builds: reload the window.`);
    const definition = consoleContract.requests[channel];
    const denied = this.denied(channel, definition.role);
    if (denied) return denied;
    const parsed = definition.input.safeParse(input ?? {});
    if (!parsed.success) return invalid(channel, parsed.error.issues);
    const handler = this.options.handlers.requests[channel] as (input: unknown, context: { principal: ConsolePrincipal; signal: AbortSignal; progress(value: unknown): void }) => Promise<unknown>;
    try {
      const value = await handler(parsed.data, {
        principal: this.options.principal,
        signal,
        progress: (progress) => {
          if (!signal.aborted && !this.disposed) this.send({ type: 'progress', id, progress });
        },
      });
      return ok(value);
    } catch (error) {
      if (signal.aborted) return failure('E3003', `${channel} was cancelled.`);
      return this.toFailure(channel, error);
    }
  }

  private openStream(id: number, stream: string, input: unknown): void {
    const end = (error?: ConsoleErrorBody): void => this.send({ type: 'end', id, ...(error ? { error } : {}) });
    if (this.streams.has(id)) return end(failure('E3001', `Stream id ${id} is already in use on this connection.`).error);
    if (!isStream(stream)) return end(failure('E3006', `There is no stream ${JSON.stringify(stream)}; reload the window.`).error);
    const definition = consoleContract.streams[stream];
    const denied = this.denied(stream, definition.role);
    if (denied) return end(denied.error);
    const parsed = definition.input.safeParse(input ?? {});
    if (!parsed.success) return end(invalid(stream, parsed.error.issues).error);
    const handler = this.options.handlers.streams[stream] as (input: unknown, context: { principal: ConsolePrincipal; emit(event: unknown): void; fail(error: unknown): void; end(): void }) => Disposable | Promise<Disposable>;
    const opening = (async (): Promise<Disposable | undefined> => {
      try {
        return await handler(parsed.data, {
          principal: this.options.principal,
          emit: (event) => {
            if (this.streams.has(id)) this.send({ type: 'event', id, event });
          },
          fail: (error) => {
            if (!this.streams.has(id)) return;
            this.closeStream(id);
            end(this.toFailure(stream, error).error);
          },
          end: () => {
            if (!this.streams.has(id)) return;
            this.closeStream(id);
            end();
          },
        });
      } catch (error) {
        this.streams.delete(id);
        end(this.toFailure(stream, error).error);
        return undefined;
      }
    })();
    this.streams.set(id, opening);
  }

  private closeStream(id: number): void {
    const opening = this.streams.get(id);
    if (!opening) return;
    this.streams.delete(id);
    void opening.then((disposable) => disposable?.dispose());
  }

  private denied(channel: string, required: ConsoleRole): { ok: false; error: ConsoleErrorBody } | undefined {
    const { role, user } = this.options.principal;
    if (roleAllows(role, required)) return undefined;
    return failure('E3002', `${channel} needs the ${required} role; ${user} is signed in as ${role}. Ask an admin.`, { required, role });
  }

  private toFailure(channel: string, error: unknown): { ok: false; error: ConsoleErrorBody } {
    if (error instanceof CoreError) return failure(error.code, error.message, error.details);
    if (error instanceof ConsoleHandlerError) return failure(error.code, error.message, error.details);
    // Unexpected: the full story goes to main's log, the caller gets the message only (stacks and
    // paths inside them are not for a browser tab).
    this.log(`console: ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return failure('E3005', `${channel} failed unexpectedly: ${errorMessage(error)}`);
  }

  private send(message: ServerMessage): void {
    if (!this.disposed) this.options.send(message);
  }

  private log(message: string): void {
    (this.options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(message);
  }
}

/** A handler's own refusal with a console code (E3001 invalid, E3002 forbidden, E3008 not found). */
export class ConsoleHandlerError extends Error {
  constructor(
    readonly code: 'E3001' | 'E3002' | 'E3008' | 'E3009',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function invalid(channel: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): { ok: false; error: ConsoleErrorBody } {
  const where = issues.map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`);
  return failure('E3001', `${channel}: ${where.join('; ')}`, { issues: where });
}

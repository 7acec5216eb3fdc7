/**
 * Test support for the console's main side: a ConsoleClient wired to a ConsoleSession in the same
 * process through a transport that round-trips every message through JSON (as IPC and WebSocket
 * do), so a value that would not survive the wire fails here too.
 */
import { ConsoleClient } from '../../../src-shared/ipc/client';
import type { ConsoleTransport } from '../../../src-shared/ipc/client';
import type { ServerMessage } from '../../../src-shared/ipc/protocol';
import { ConsoleSession } from './console-session';
import type { ConsolePrincipal } from './console-session';
import type { ConsoleHandlers } from './handler-types';

export interface ConnectedPair {
  client: ConsoleClient;
  session: ConsoleSession;
  /** Sends a raw, possibly malformed, message as a hostile page would. */
  sendRaw(message: unknown): void;
  /** Every message main sent, for assertions about the wire. */
  received: ServerMessage[];
  /** Closes the connection as a closed window would: the session is disposed, the client told. */
  close(): void;
}

export function connect(handlers: ConsoleHandlers, principal: ConsolePrincipal): ConnectedPair {
  let toClient: ((message: ServerMessage) => void) | undefined;
  let onClose: ((reason: string) => void) | undefined;
  const received: ServerMessage[] = [];
  const session = new ConsoleSession({
    handlers,
    principal,
    send: (message) => {
      const copy = JSON.parse(JSON.stringify(message)) as ServerMessage;
      received.push(copy);
      queueMicrotask(() => toClient?.(copy));
    },
    log: () => undefined,
  });
  const transport: ConsoleTransport = {
    send: (message) => {
      const copy: unknown = JSON.parse(JSON.stringify(message));
      queueMicrotask(() => session.receive(copy));
    },
    onMessage: (listener) => {
      toClient = listener;
      return () => (toClient = undefined);
    },
    onClose: (listener) => {
      onClose = listener;
      return () => (onClose = undefined);
    },
  };
  const client = new ConsoleClient(transport);
  return {
    client,
    session,
    received,
    sendRaw: (message) => session.receive(message),
    close: () => {
      session.dispose();
      onClose?.('window closed');
    },
  };
}

/** Resolves when `predicate` holds for an event of `events`, polling the array (no timers in the assertion). */
export async function waitFor<T>(events: readonly T[], predicate: (event: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(predicate);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

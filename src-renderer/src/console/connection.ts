/**
 * Picks how this window reaches main: the Electron preload's `window.api`, or, in a browser tab
 * served by `agentdock serve`, a WebSocket authenticated by the session token the serve command
 * printed in its URL (`#token=…`). The token rides in the subprotocol because browsers cannot
 * set headers on a WebSocket; it lives in the fragment so it never reaches a server log, and it
 * is moved to sessionStorage and stripped from the address bar so it is not bookmarked, shared
 * in a screenshot or left in history.
 */
import type { ConsoleTransport } from '../../../src-shared/ipc/client';
import type { ClientMessage, ServerMessage } from '../../../src-shared/ipc/protocol';
import { SERVE_SOCKET_PATH, SERVE_TOKEN_PROTOCOL_PREFIX } from '../../../src-shared/ipc/transport-constants';

/** The sessionStorage key holding the serve-mode token (per tab, gone when the tab closes). */
export const TOKEN_STORAGE_KEY = 'agentdock.serve.token';

/** Close codes a serve-mode server uses to say the token is not (or no longer) valid. */
export const TOKEN_REJECTED_CLOSE_CODES: ReadonlySet<number> = new Set([1008, 4401, 4403]);

/** Where to connect, decided from what the page can see. */
export type TransportChoice =
  | { kind: 'electron'; transport: ConsoleTransport }
  | { kind: 'websocket'; url: string; protocol: string; token: string }
  | { kind: 'signed-out' };

export interface PageEnvironment {
  api?: ConsoleTransport | undefined;
  location: { protocol: string; host: string; hash: string };
  storedToken: string | null;
}

/** The token in a `#token=…` fragment (other fragment parameters are ignored), or null. */
export function tokenFromHash(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const token = new URLSearchParams(fragment).get('token');
  return token && /^[A-Za-z0-9._~-]{8,512}$/.test(token) ? token : null;
}

/** The fragment with `token` removed ('' when nothing is left), for history.replaceState. */
export function hashWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  params.delete('token');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

/** `ws://host/api/console`, or `wss://` when the page came over https. */
export function socketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SERVE_SOCKET_PATH}`;
}

/** Electron when the preload is there; else a WebSocket with the fragment's (or the stored) token; else signed out. */
export function chooseTransport(environment: PageEnvironment): TransportChoice {
  if (environment.api) return { kind: 'electron', transport: environment.api };
  const token = tokenFromHash(environment.location.hash) ?? environment.storedToken;
  if (!token) return { kind: 'signed-out' };
  return { kind: 'websocket', url: socketUrl(environment.location), protocol: `${SERVE_TOKEN_PROTOCOL_PREFIX}${token}`, token };
}

/** Milliseconds to wait before reconnect attempt `attempt` (0-based): 0.5 s doubling to 15 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
}

/** A WebSocket as a ConsoleTransport; messages sent before it opens are queued, not lost. */
export interface SocketTransport extends ConsoleTransport {
  /** Resolves when the socket opens; rejects if it closes first. */
  readonly opened: Promise<void>;
  /** Closes the socket (the owner's disposal). */
  dispose(): void;
}

/** Opens the serve-mode socket. `onClosed` receives the close code (the token may have been refused). */
export function openSocketTransport(url: string, protocol: string, onClosed: (code: number) => void): SocketTransport {
  const socket = new WebSocket(url, [protocol]);
  const queue: string[] = [];
  let messageListener: ((message: ServerMessage) => void) | undefined;
  const closeListeners = new Set<(reason: string) => void>();
  let closed = false;
  let markOpened: () => void = () => undefined;
  let markFailed: (error: Error) => void = () => undefined;
  const opened = new Promise<void>((resolve, reject) => {
    markOpened = resolve;
    markFailed = reject;
  });
  opened.catch(() => undefined);

  socket.addEventListener('open', () => {
    for (const text of queue.splice(0)) socket.send(text);
    markOpened();
  });
  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(event.data) as ServerMessage;
    } catch {
      return; // Main only sends JSON; anything else is not ours to act on.
    }
    messageListener?.(message);
  });
  socket.addEventListener('close', (event: CloseEvent) => {
    if (closed) return;
    closed = true;
    markFailed(new Error(`closed with code ${event.code}`));
    const reason = event.reason || `The connection to AgentDock closed (code ${event.code}).`;
    for (const listener of closeListeners) listener(reason);
    closeListeners.clear();
    onClosed(event.code);
  });

  return {
    opened,
    send(message: ClientMessage) {
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (socket.readyState === WebSocket.CONNECTING) queue.push(text);
    },
    onMessage(listener) {
      messageListener = listener;
      return () => {
        if (messageListener === listener) messageListener = undefined;
      };
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    dispose() {
      socket.close(1000, 'disposed');
    },
  };
}

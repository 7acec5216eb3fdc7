/**
 * Owns the live ConsoleClient for the lifetime of the page: creates it on the chosen transport,
 * and when a serve-mode socket is lost, replaces it after a backoff (a new ConsoleClient on a new
 * socket; the old one has already settled everything it held with E3004). React reads the
 * current client and state from `useConnection`; queries refetch and streams resubscribe when
 * the client changes.
 */
import { create } from 'zustand';
import { ConsoleClient } from '../../../src-shared/ipc/client';
import { TOKEN_REJECTED_CLOSE_CODES, TOKEN_STORAGE_KEY, chooseTransport, hashWithoutToken, openSocketTransport, reconnectDelay } from './connection';
import type { SocketTransport } from './connection';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'signed-out';

export interface ConnectionState {
  status: ConnectionStatus;
  client: ConsoleClient | null;
  mode: 'electron' | 'serve' | null;
  /** Bumped on every new client so effects keyed on it re-run. */
  generation: number;
  /** When the next reconnect attempt runs (epoch ms), while reconnecting. */
  retryAt: number | null;
  /** Why we are signed out or closed. */
  message: string | null;
}

/** The connection as React sees it. */
export const useConnection = create<ConnectionState>(() => ({ status: 'connecting', client: null, mode: null, generation: 0, retryAt: null, message: null }));

let socket: SocketTransport | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let failedAttempts = 0;
let started = false;

function readStoredToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null; // Storage can be disabled; the fragment still works for this page load.
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    else sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // As above: not fatal.
  }
}

function publish(client: ConsoleClient, mode: 'electron' | 'serve', status: ConnectionStatus): void {
  window.__agentdockConsole = { openCount: () => client.openCount };
  useConnection.setState((state) => ({ client, mode, status, generation: state.generation + 1, retryAt: null, message: null }));
}

const REFUSED_MESSAGE = 'The server refused the session token (unknown, revoked, or from an earlier run). Open the URL that `agentdock serve` printed again.';

function signOut(message: string): void {
  storeToken(null);
  useConnection.setState({ status: 'signed-out', client: null, retryAt: null, message });
}

function scheduleReconnect(url: string, protocol: string): void {
  const delay = reconnectDelay(failedAttempts++);
  useConnection.setState({ status: 'reconnecting', retryAt: Date.now() + delay });
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    connectSocket(url, protocol);
  }, delay);
}

/**
 * Whether the server answers plain HTTP. A browser reports a refused WebSocket upgrade (HTTP 401)
 * exactly like an unreachable server (close code 1006), so when a socket fails before opening we
 * ask: if the page's origin answers, the server is up and it was the token it refused.
 */
async function serverAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${window.location.origin}/`, { method: 'HEAD', cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
}

function connectSocket(url: string, protocol: string): void {
  let everOpened = false;
  const transport = openSocketTransport(url, protocol, (code) => {
    if (socket !== transport) return;
    socket = undefined;
    if (TOKEN_REJECTED_CLOSE_CODES.has(code)) {
      signOut(REFUSED_MESSAGE);
      return;
    }
    if (everOpened) {
      scheduleReconnect(url, protocol);
      return;
    }
    void serverAnswers().then((up) => (up ? signOut(REFUSED_MESSAGE) : scheduleReconnect(url, protocol)));
  });
  socket = transport;
  const client = new ConsoleClient(transport);
  transport.opened.then(
    () => {
      if (socket !== transport) return;
      everOpened = true;
      failedAttempts = 0;
      publish(client, 'serve', 'open');
    },
    () => undefined,
  );
}

/** Starts the connection once per page (idempotent: React StrictMode mounts twice). */
export function startConnection(): void {
  if (started) return;
  started = true;
  const choice = chooseTransport({ api: window.api, location: window.location, storedToken: readStoredToken() });
  switch (choice.kind) {
    case 'electron': {
      const client = new ConsoleClient(choice.transport);
      // The preload's transport closes only when the window goes away; there is nothing to reconnect to.
      choice.transport.onClose((reason) => useConnection.setState({ status: 'closed', message: reason }));
      publish(client, 'electron', 'open');
      return;
    }
    case 'websocket': {
      storeToken(choice.token);
      const stripped = hashWithoutToken(window.location.hash);
      if (stripped !== window.location.hash) history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}${stripped}`);
      connectSocket(choice.url, choice.protocol);
      return;
    }
    case 'signed-out':
      useConnection.setState({ status: 'signed-out', message: null });
      return;
  }
}

/** Reconnects now instead of waiting for the backoff (the banner's "Retry now"). */
export function retryNow(): void {
  if (!retryTimer) return;
  clearTimeout(retryTimer);
  retryTimer = undefined;
  const choice = chooseTransport({ api: window.api, location: window.location, storedToken: readStoredToken() });
  if (choice.kind === 'websocket') connectSocket(choice.url, choice.protocol);
}

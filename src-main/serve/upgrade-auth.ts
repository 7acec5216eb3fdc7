/**
 * The checks a WebSocket upgrade passes before a ConsoleSession exists for it. Browsers cannot set
 * headers on a WebSocket, so the session token rides in the subprotocol list
 * (`agentdock.token.<token>`); it is never in a URL, so it is not in any access log.
 *
 * Cross-site WebSocket hijacking: a WebSocket is not bound by the same-origin policy, so any page
 * the user visits could open ws://127.0.0.1:<port> from their browser. Such a page has no token,
 * but the Origin check refuses it anyway (defence in depth). DNS rebinding — a hostile name
 * re-pointed at 127.0.0.1, so Origin and Host agree — is refused by the Host check while the
 * server listens on loopback only.
 */
import type { IncomingMessage } from 'node:http';
import { SERVE_TOKEN_PROTOCOL_PREFIX } from '../../src-shared/ipc/transport-constants';
import type { Authenticated, ConsoleTokens } from './console-tokens';

export type UpgradeDecision = { ok: true; session: Authenticated; protocol: string } | { ok: false; status: 401 | 403; message: string };

/** Host names that reach a loopback-bound server legitimately. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether `host` is a loopback address or name. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether the Host header names this server (only enforced while bound to loopback; any name reaches a network-bound server). */
export function hostAllowed(hostHeader: string | undefined, loopbackOnly: boolean): boolean {
  if (hostHeader === undefined) return false;
  if (!loopbackOnly) return true;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The token in a Sec-WebSocket-Protocol header, and the protocol entry that carried it. */
export function tokenFromProtocols(header: string | undefined): { token: string; protocol: string } | undefined {
  for (const entry of (header ?? '').split(',')) {
    const protocol = entry.trim();
    if (protocol.startsWith(SERVE_TOKEN_PROTOCOL_PREFIX)) return { token: protocol.slice(SERVE_TOKEN_PROTOCOL_PREFIX.length), protocol };
  }
  return undefined;
}

/** Decides an upgrade request: who it is, or the status to refuse it with. */
export function authorizeUpgrade(request: IncomingMessage, tokens: ConsoleTokens, loopbackOnly: boolean): UpgradeDecision {
  const host = request.headers.host;
  if (!hostAllowed(host, loopbackOnly)) return { ok: false, status: 403, message: 'Unknown Host: open the console at http://127.0.0.1:<port>/ or http://localhost:<port>/.' };
  // Browsers always send Origin on a WebSocket; a client without one is not a browser page and
  // cannot be hijacked this way (it still needs the token).
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return { ok: false, status: 403, message: 'Cross-origin WebSocket refused: only the console page served here may connect.' };
  const offered = tokenFromProtocols(request.headers['sec-websocket-protocol']);
  if (!offered) return { ok: false, status: 401, message: `No session token: connect with the subprotocol ${SERVE_TOKEN_PROTOCOL_PREFIX}<token>.` };
  const session = tokens.authenticate(offered.token);
  if (!session) return { ok: false, status: 401, message: 'Unknown or revoked session token: sign in again with the URL agentdock serve printed, or ask an admin for a token.' };
  return { ok: true, session, protocol: offered.protocol };
}

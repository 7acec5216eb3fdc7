/**
 * The names both ends of a console transport agree on. Kept free of zod (unlike protocol.ts) so
 * the renderer's start-up chunk can use them without the schemas.
 */

/** The largest message main accepts (an editor buffer of 1 MiB plus framing). */
export const MAX_CLIENT_MESSAGE_BYTES = 2 * 1024 * 1024;

/** The Electron IPC channel both directions use (the preload forwards nothing else). */
export const ELECTRON_CONSOLE_CHANNEL = 'console:message';

/** Serve mode: the WebSocket path, and the subprotocol prefix that carries the session token (browsers cannot set headers on a WebSocket). */
export const SERVE_SOCKET_PATH = '/api/console';
export const SERVE_TOKEN_PROTOCOL_PREFIX = 'agentdock.token.';

/**
 * WebSocket close codes serve mode uses (RFC 6455 §7.4: 4000–4999 are the application's), so a
 * browser tab can tell "signed out" from "server gone" and say which.
 */
export const CLOSE_CODES = {
  /** The server is stopping (RFC 6455 "going away"). */
  goingAway: 1001,
  /** A binary frame: the console speaks JSON text only. */
  unsupportedData: 1003,
  /**
   * The client did not read its messages fast enough; the session was dropped rather than
   * buffered without bound ("try again later": a reload recovers; not 1008, which the renderer
   * reads as a refused token).
   */
  tooSlow: 1013,
  /** The session token was revoked while the socket was open. */
  tokenRevoked: 4401,
} as const;

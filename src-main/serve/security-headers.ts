/**
 * Headers on every serve-mode response. The CSP is the renderer's own strict policy (the same
 * module Electron uses); its `connect-src 'self'` admits the console WebSocket on the page's own
 * host and port, because CSP Level 3 lets 'self' match ws:/wss: for an http/https page (Chromium,
 * Firefox and Safari ≥ 15.4 implement it; the browser e2e suite proves it in Chromium).
 */
import { contentSecurityPolicy } from '../../src-shared/security/content-security-policy';

/** Headers every response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': contentSecurityPolicy,
  // A wrong or missing Content-Type must never make a browser guess "script" or "HTML".
  'X-Content-Type-Options': 'nosniff',
  // The token is in the URL fragment (never sent), but no URL of the console should leak either.
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors covers modern browsers; this covers the rest against clickjacking.
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/**
 * A fresh idempotency key per deploy attempt, so a request main receives twice (a resent
 * message) still makes one version. crypto.randomUUID needs a secure context, which a serve-mode tab
 * on a LAN address over http is not, so fall back to getRandomValues (available everywhere).
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return `deploy-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `deploy-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The frozen spec as stored in a bundle: with secret-valued fields replaced by a marker.
 *
 * A Dockfile may interpolate secrets (`auth.jwt.secret_key: ${JWT_SECRET}`, Langfuse keys, tokens
 * in `arguments`), so the frozen spec can hold them in plaintext. A bundle lives on disk as long as
 * its version and is copied into images, so it keeps only the redacted form; the controller writes
 * the real values into each deployment's config dir (secrets.json, 0600) at start. A side effect
 * is intended: rotating a secret does not make a new version.
 */

/** What replaces a secret value in a bundle's spec.json. */
export const REDACTED = '[redacted]';

/** Keys whose string values are treated as secrets, wherever they appear in the spec. */
const SECRET_KEY = /(secret|password|passwd|token|api_?key|private_?key|credential)/i;

/** Subtrees that describe data, not configuration: an input field called `token` is not a secret. */
const DATA_SCHEMA_KEYS = new Set(['io_schema']);

/** A deep copy of `spec` with every string under a secret-looking key replaced by REDACTED. */
export function redactSpecSecrets<T>(spec: T): T {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return redact(spec, false) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(spec)) copy[key] = DATA_SCHEMA_KEYS.has(key) ? structuredClone(child) : redact(child, SECRET_KEY.test(key));
  return copy as T;
}

function redact(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string') return secret && value !== '' ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => redact(item, secret));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) copy[key] = redact(child, secret || SECRET_KEY.test(key));
  return copy;
}

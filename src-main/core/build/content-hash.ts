/**
 * The pieces of a bundle's content hash: canonical JSON (sorted keys, so the same spec always gives
 * the same bytes) and SHA-256 helpers. The hash itself is computed in `agent-bundle.ts` over a
 * listing built from these.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth and no whitespace; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** SHA-256 of bytes or UTF-8 text, lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Compares two paths by their UTF-8 bytes, not by locale or UTF-16 code units, so the listing
 * order (and with it the hash) is the same on every machine.
 */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * API keys (seed 004 §5.3.3 B): `adk_` + base62, stored only as SHA-256 hex in keys.json.
 *
 * Lookup compares the presented key's hash with every stored hash using timingSafeEqual and no
 * early exit, so the time taken does not depend on how many leading bytes of some stored hash the
 * guess happens to share. (A Map keyed by hash would not really be an oracle either: an attacker
 * who learned a stored hash byte by byte still needs a SHA-256 preimage to get a usable key. The
 * scan costs microseconds for the tens of keys an agent has, and keeps the §5.3.10 promise
 * literally.)
 *
 * `generateApiKey` lives here rather than in src-shared because it needs node:crypto, which
 * src-shared may not import; the control plane may import it from this file.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord } from '../config/keys-file';

export const API_KEY_PREFIX = 'adk_';
/** The random part: 43 base62 characters ≈ 256 bits. */
export const API_KEY_RANDOM_LENGTH = 43;
/** What an AgentDock key looks like; anything else is refused before hashing. */
export const API_KEY_PATTERN = /^adk_[0-9A-Za-z]{20,128}$/;
/** Characters of a key that identify it to a person (`adk_` + 8), safe to store and display. */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** SHA-256 of a raw key, lowercase hex (what keys.json stores). */
export function hashApiKey(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** A new random key: the raw value (shown once), its hash (stored) and its display prefix. */
export function generateApiKey(): { raw: string; hash: string; prefix: string } {
  let random = '';
  while (random.length < API_KEY_RANDOM_LENGTH) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: dropping bytes ≥ 248 keeps every character equally likely (no modulo bias).
      if (byte < 248 && random.length < API_KEY_RANDOM_LENGTH) random += BASE62[byte % 62];
    }
  }
  const raw = `${API_KEY_PREFIX}${random}`;
  return { raw, hash: hashApiKey(raw), prefix: raw.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH) };
}

/** The stored keys, with their hashes decoded once per snapshot. */
export interface ApiKeyIndex {
  readonly size: number;
  /** The record whose hash matches the raw key, in time independent of the stored hashes. */
  find(raw: string): ApiKeyRecord | undefined;
}

/** Indexes keys.json records for lookup by raw key. */
export function createApiKeyIndex(records: readonly ApiKeyRecord[]): ApiKeyIndex {
  const entries = records.map((record) => ({ record, hash: Buffer.from(record.hash, 'hex') }));
  return Object.freeze({
    size: entries.length,
    find(raw: string): ApiKeyRecord | undefined {
      const presented = createHash('sha256').update(raw, 'utf8').digest();
      let found: ApiKeyRecord | undefined;
      for (const entry of entries) {
        // Every entry is compared, match or not: no early exit.
        if (timingSafeEqual(presented, entry.hash)) found = entry.record;
      }
      return found;
    },
  });
}

export type ApiKeyStatus = { ok: true; record: ApiKeyRecord } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/** Finds a key and checks it is active at `now` (ms since the epoch). */
export function checkApiKey(index: ApiKeyIndex, raw: string, now: number): ApiKeyStatus {
  if (!API_KEY_PATTERN.test(raw)) return { ok: false, reason: 'malformed' };
  const record = index.find(raw);
  if (!record) return { ok: false, reason: 'unknown' };
  if (record.revoked === true) return { ok: false, reason: 'revoked' };
  if (record.expiresAt !== undefined && now >= Date.parse(record.expiresAt)) return { ok: false, reason: 'expired' };
  return { ok: true, record };
}

/** Ids of active keys created more than `rotationDays` ago (`auth.api_keys.rotation_days`: warn, never refuse). */
export function keysDueForRotation(records: readonly ApiKeyRecord[], rotationDays: number, now: number): string[] {
  const cutoff = now - rotationDays * 86_400_000;
  return records.filter((record) => record.revoked !== true && record.createdAt !== undefined && Date.parse(record.createdAt) < cutoff).map((record) => record.id);
}

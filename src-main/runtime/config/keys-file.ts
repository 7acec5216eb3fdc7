/**
 * `keys.json`: the agent's API keys as the control plane issued them. Only SHA-256 hashes are
 * stored, never a raw key (seed 004 §5.3.5), so the bundle leaking does not leak a usable key.
 */
import { expectArray, expectBoolean, expectObject, expectString, expectTimestamp, optional, ShapeError } from './shape-check';

export interface ApiKeyRecord {
  id: string;
  /** SHA-256 of the raw key, lowercase hex. */
  hash: string;
  role: string;
  revoked?: boolean;
  /** ISO-8601; the key answers 498 TokenExpired from this instant. */
  expiresAt?: string;
  createdAt?: string;
}

export interface KeysFile {
  readonly keys: readonly ApiKeyRecord[];
}

/** What the runtime assumes when keys.json is absent: no key can authenticate. */
export const EMPTY_KEYS_FILE: KeysFile = Object.freeze({ keys: Object.freeze([]) });

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

function keyRecord(value: unknown, at: string): ApiKeyRecord {
  // Unknown fields are tolerated here (unlike in runtime.json): a newer control plane may add
  // bookkeeping such as lastUsedAt, and refusing it would make every key fail on reload.
  const entry = expectObject(value, at);
  const record: ApiKeyRecord = {
    id: expectString(entry.id, `${at}.id`),
    hash: expectString(entry.hash, `${at}.hash`, { pattern: SHA256_HEX, patternName: 'the SHA-256 of the raw key as 64 hex digits' }).toLowerCase(),
    role: expectString(entry.role, `${at}.role`),
  };
  const revoked = optional(entry.revoked, (raw) => expectBoolean(raw, `${at}.revoked`));
  if (revoked !== undefined) record.revoked = revoked;
  const expiresAt = optional(entry.expiresAt, (raw) => expectTimestamp(raw, `${at}.expiresAt`));
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  const createdAt = optional(entry.createdAt, (raw) => expectTimestamp(raw, `${at}.createdAt`));
  if (createdAt !== undefined) record.createdAt = createdAt;
  return record;
}

/** Checks a parsed keys.json; ids and hashes must be unique. */
export function parseKeysFile(value: unknown): KeysFile {
  const root = expectObject(value, '', ['keys']);
  const keys = expectArray(root.keys, 'keys', keyRecord);
  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  keys.forEach((key, index) => {
    const sameId = ids.get(key.id);
    if (sameId !== undefined) throw new ShapeError(`keys[${index}].id`, `unique (keys[${sameId}] has the same id)`, '');
    // Two records with one hash would make the key's role and revocation ambiguous.
    const sameHash = hashes.get(key.hash);
    if (sameHash !== undefined) throw new ShapeError(`keys[${index}].hash`, `unique (keys[${sameHash}] has the same hash)`, '');
    ids.set(key.id, index);
    hashes.set(key.hash, index);
  });
  return { keys };
}

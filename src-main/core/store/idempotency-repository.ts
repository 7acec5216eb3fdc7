/**
 * Idempotency keys (seed 003): a client retrying a request with the same key gets the first
 * answer instead of a second deploy. The key is claimed (`pending`) in a write transaction before
 * the work starts, so two concurrent requests with one key cannot both run; the result is stored
 * (`done`) when it finishes. The same key with a different request is a conflict, not a replay.
 */
import { createHash } from 'node:crypto';
import { CoreError } from '../contracts';
import { toIso } from './clock';
import type { StoreDatabase } from './database';

/** What to do with a request that carries an idempotency key. */
export type IdempotencyOutcome =
  /** First time: do the work, then complete() (or abandon() if it failed without a result to keep). */
  | { kind: 'new' }
  /** Done before with the same request: answer with the stored response. */
  | { kind: 'replay'; response: unknown }
  /** The same request is still running (or its process died mid-way; reconcile decides). */
  | { kind: 'pending'; since: string }
  /** The key was used for a different request. */
  | { kind: 'conflict' };

/** Keys are remembered for a day unless told otherwise. */
const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

interface KeyRow {
  request_hash: string;
  state: 'pending' | 'done';
  response_json: string | null;
  created_at: string;
  expires_at: string;
}

/** SHA-256 of a request's canonical JSON (object keys sorted), for `begin`'s `requestHash`. */
export function hashRequest(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, each]) => each !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, each]) => `${JSON.stringify(key)}:${canonicalJson(each)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Claims, completes and replays idempotency keys. */
export class IdempotencyRepository {
  private readonly ttlMs: number;

  constructor(
    private readonly db: StoreDatabase,
    options: { ttlMs?: number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  }

  /** Claims `key` in `scope` for the request with `requestHash`, or says why not. */
  begin(key: string, scope: string, requestHash: string): IdempotencyOutcome {
    if (key.length === 0 || key.length > 255) throw new CoreError('E2001', 'An idempotency key must be 1 to 255 characters.');
    return this.db.write(() => {
      const now = this.db.now();
      const row = this.db.sql.prepare('SELECT request_hash, state, response_json, created_at, expires_at FROM idempotency_keys WHERE scope = ? AND key = ?').get(scope, key) as KeyRow | undefined;
      if (row && row.expires_at > now) {
        if (row.request_hash !== requestHash) return { kind: 'conflict' };
        if (row.state === 'done') return { kind: 'replay', response: JSON.parse(row.response_json ?? 'null') as unknown };
        return { kind: 'pending', since: row.created_at };
      }
      // Absent or expired: (re)claim it.
      this.db.sql
        .prepare(
          `INSERT INTO idempotency_keys (scope, key, request_hash, state, response_json, created_at, expires_at) VALUES (?, ?, ?, 'pending', NULL, ?, ?)
           ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'pending', response_json = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at`,
        )
        .run(scope, key, requestHash, now, toIso(this.db.clock() + this.ttlMs));
      return { kind: 'new' };
    });
  }

  /** Stores the response of a claimed key; later begin() calls with the same request replay it. */
  complete(key: string, scope: string, response: unknown): void {
    const json = JSON.stringify(response ?? null);
    const changed = this.db.sql.prepare("UPDATE idempotency_keys SET state = 'done', response_json = ? WHERE scope = ? AND key = ? AND state = 'pending'").run(json, scope, key).changes;
    if (changed !== 1) throw new CoreError('E2050', `Idempotency key "${key}" is not pending in ${scope}; call begin() first.`, { key, scope });
  }

  /** Releases a claimed key whose request failed, so a retry runs again. */
  abandon(key: string, scope: string): void {
    this.db.sql.prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'pending'").run(scope, key);
  }

  /** Keys still pending (a process died mid-request); reconcile decides what to do with them. */
  pending(scope?: string): { key: string; scope: string; since: string }[] {
    const rows = this.db.sql
      .prepare(`SELECT key, scope, created_at FROM idempotency_keys WHERE state = 'pending' AND expires_at > ? ${scope === undefined ? '' : 'AND scope = ?'} ORDER BY created_at`)
      .all(...(scope === undefined ? [this.db.now()] : [this.db.now(), scope])) as { key: string; scope: string; created_at: string }[];
    return rows.map((row) => ({ key: row.key, scope: row.scope, since: row.created_at }));
  }
}

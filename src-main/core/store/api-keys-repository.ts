/**
 * API keys for an agent's runtime. Only the SHA-256 of a key is stored (seed 002, hashing rules:
 * keys are 256-bit random, so an unsalted hash is safe and doubles as the lookup index); the raw
 * key exists once, in the return value of create/rotate, for the caller to show and forget.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ApiKeyRecord } from '../../runtime/config/keys-file';
import { API_KEY_PATTERN, generateApiKey, hashApiKey } from '../../runtime/auth/api-keys';
import { CoreError } from '../contracts';
import { toIso } from './clock';
import type { StoreDatabase } from './database';
import { newId } from './ids';
import { isForeignKeyViolation } from './sqlite-errors';

export interface ApiKey {
  id: string;
  agentId: string;
  role: string;
  label?: string;
  /** SHA-256 hex of the raw key (what keys.json carries). */
  hash: string;
  /** `adk_` + 8 characters, for people to tell keys apart. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface NewApiKey {
  agentId: string;
  role: string;
  label?: string;
  /** ISO-8601; the runtime answers 498 TokenExpired from then on. */
  expiresAt?: string;
  createdBy: string;
}

interface ApiKeyRow {
  id: string;
  agent_id: string;
  role: string;
  label: string | null;
  hash: string;
  prefix: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  agentId: row.agent_id,
  role: row.role,
  ...(row.label !== null ? { label: row.label } : {}),
  hash: row.hash,
  prefix: row.prefix,
  createdBy: row.created_by,
  createdAt: row.created_at,
  ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
  ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
  ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
});

/** Issues, lists and revokes API keys. */
export class ApiKeysRepository {
  private markUsedStatement: BetterSqlite3.Statement | undefined;

  constructor(private readonly db: StoreDatabase) {}

  /** A new key for the agent: the stored record and the raw key, which is not kept anywhere. */
  create(input: NewApiKey): { key: ApiKey; raw: string } {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(input.role)) throw new CoreError('E2040', `"${input.role}" is not a role name: use letters, digits, "_", "-" or ".".`, { role: input.role });
    const expiresAt = input.expiresAt === undefined ? null : normaliseTime(input.expiresAt);
    const generated = generateApiKey();
    const row: ApiKeyRow = {
      id: newId('key', this.db.clock),
      agent_id: input.agentId,
      role: input.role,
      label: input.label ?? null,
      hash: generated.hash,
      prefix: generated.prefix,
      created_by: input.createdBy,
      created_at: this.db.now(),
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
    };
    try {
      this.db.sql
        .prepare(
          `INSERT INTO api_keys (id, agent_id, role, label, hash, prefix, created_by, created_at, expires_at, revoked_at, last_used_at)
           VALUES (@id, @agent_id, @role, @label, @hash, @prefix, @created_by, @created_at, @expires_at, @revoked_at, @last_used_at)`,
        )
        .run(row);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new CoreError('E2004', `No agent with id ${input.agentId}.`, { agentId: input.agentId });
      throw error;
    }
    return { key: toApiKey(row), raw: generated.raw };
  }

  get(id: string): ApiKey | undefined {
    const row = this.db.sql.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  }

  /** Like get, or E2040 (an unknown key id is treated like a key the caller may not touch). */
  require(id: string): ApiKey {
    const key = this.get(id);
    if (!key) throw new CoreError('E2040', `No API key with id ${id}. Run \`agentdock key list <agent>\` to see the agent's keys.`, { id });
    return key;
  }

  /** The agent's keys, newest first; revoked ones only with `includeRevoked`. */
  list(agentId: string, options: { includeRevoked?: boolean } = {}): ApiKey[] {
    const rows = this.db.sql
      .prepare(`SELECT * FROM api_keys WHERE agent_id = ? ${options.includeRevoked ? '' : 'AND revoked_at IS NULL'} ORDER BY created_at DESC, id DESC`)
      .all(agentId) as ApiKeyRow[];
    return rows.map(toApiKey);
  }

  /** The key a raw key hashes to (revoked and expired ones included: the caller decides). */
  findByRaw(raw: string): ApiKey | undefined {
    if (!API_KEY_PATTERN.test(raw)) return undefined;
    const row = this.db.sql.prepare('SELECT * FROM api_keys WHERE hash = ?').get(hashApiKey(raw)) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  }

  /** Revokes a key now (idempotent: a revoked key keeps its first revocation time). */
  revoke(id: string): ApiKey {
    return this.db.write(() => {
      this.require(id);
      this.db.sql.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(this.db.now(), id);
      return this.require(id);
    });
  }

  /**
   * Replaces a key with a new one of the same agent, role and label. With `graceSeconds` the old
   * key keeps working until then (clients switch over without an outage); without, it is revoked now.
   */
  rotate(id: string, options: { createdBy: string; graceSeconds?: number }): { key: ApiKey; raw: string; previous: ApiKey } {
    return this.db.write(() => {
      const old = this.require(id);
      if (old.revokedAt !== undefined) throw new CoreError('E2023', `API key ${old.prefix}… is revoked; create a new key instead.`, { id });
      const created = this.create({ agentId: old.agentId, role: old.role, ...(old.label !== undefined ? { label: old.label } : {}), ...(old.expiresAt !== undefined ? { expiresAt: old.expiresAt } : {}), createdBy: options.createdBy });
      const grace = Math.max(0, options.graceSeconds ?? 0);
      if (grace === 0) {
        this.revoke(id);
      } else {
        const end = toIso(this.db.clock() + grace * 1000);
        this.db.sql.prepare('UPDATE api_keys SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > ? THEN ? ELSE expires_at END WHERE id = ?').run(end, end, id);
      }
      return { ...created, previous: this.require(id) };
    });
  }

  /** Records that the key authenticated a request (for "unused keys" in the console). */
  markUsed(id: string, at: string = this.db.now()): void {
    // Prepared once: telemetry ingest calls this for every key in every batch.
    this.markUsedStatement ??= this.db.sql.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)');
    this.markUsedStatement.run(at, id, at);
  }

  /** The agent's keys as keys.json records (hashes only; revoked keys kept so the runtime says "revoked"). */
  keysFile(agentId: string): ApiKeyRecord[] {
    return this.list(agentId, { includeRevoked: true }).map((key) => ({
      id: key.id,
      hash: key.hash,
      role: key.role,
      ...(key.revokedAt !== undefined ? { revoked: true } : {}),
      ...(key.expiresAt !== undefined ? { expiresAt: key.expiresAt } : {}),
      createdAt: key.createdAt,
    }));
  }
}

function normaliseTime(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new CoreError('E2001', `"${text}" is not an ISO-8601 time.`, { time: text });
  return toIso(ms);
}

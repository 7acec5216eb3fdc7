/** The `secrets` table as the vault reads and writes it (ciphertext only, never a value). */
import type { Environment } from '../store/environments';
import type { StoreDatabase } from '../store/database';
import type { SealedSecret, SecretIdentity } from './secret-cipher';

export interface SecretRow {
  id: string;
  name: string;
  environment: Environment;
  agent_id: string | null;
  ciphertext: Buffer;
  nonce: Buffer;
  salt: Buffer;
  key_version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** The identity a row's ciphertext is bound to. */
export function identityOf(row: Pick<SecretRow, 'id' | 'name' | 'environment' | 'agent_id'>): SecretIdentity {
  return { id: row.id, name: row.name, environment: row.environment, agentId: row.agent_id };
}

export function sealedOf(row: SecretRow): SealedSecret {
  return { ciphertext: row.ciphertext, nonce: row.nonce, salt: row.salt };
}

/** The live secret with this name in this scope (agentId undefined: the global one). */
export function findLive(db: StoreDatabase, name: string, environment: Environment, agentId: string | undefined): SecretRow | undefined {
  return db.sql.prepare('SELECT * FROM secrets WHERE name = ? AND environment = ? AND agent_id IS ? AND deleted_at IS NULL').get(name, environment, agentId ?? null) as SecretRow | undefined;
}

/** The most recently deleted secret with this name in this scope. */
export function findDeleted(db: StoreDatabase, name: string, environment: Environment, agentId: string | undefined): SecretRow | undefined {
  return db.sql
    .prepare('SELECT * FROM secrets WHERE name = ? AND environment = ? AND agent_id IS ? AND deleted_at IS NOT NULL ORDER BY deleted_at DESC, updated_at DESC LIMIT 1')
    .get(name, environment, agentId ?? null) as SecretRow | undefined;
}

/** Rows matching a listing filter; `agentId: null` means global secrets only. */
export function listRows(db: StoreDatabase, filter: { environment?: Environment; agentId?: string | null; includeDeleted?: boolean }): SecretRow[] {
  const where: string[] = [];
  const values: unknown[] = [];
  if (!filter.includeDeleted) where.push('deleted_at IS NULL');
  if (filter.environment !== undefined) {
    where.push('environment = ?');
    values.push(filter.environment);
  }
  if (filter.agentId !== undefined) {
    where.push('agent_id IS ?');
    values.push(filter.agentId);
  }
  return db.sql.prepare(`SELECT * FROM secrets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY name, environment, agent_id, created_at`).all(...values) as SecretRow[];
}

/** The live secrets an agent receives in an environment: global ones, overridden by its own. */
export function runtimeRows(db: StoreDatabase, agentId: string, environment: Environment): SecretRow[] {
  return db.sql
    .prepare('SELECT * FROM secrets WHERE environment = ? AND (agent_id IS NULL OR agent_id = ?) AND deleted_at IS NULL ORDER BY name, agent_id IS NOT NULL')
    .all(environment, agentId) as SecretRow[];
}

export function insertRow(db: StoreDatabase, row: SecretRow): void {
  db.sql
    .prepare(
      `INSERT INTO secrets (id, name, environment, agent_id, ciphertext, nonce, salt, key_version, created_by, created_at, updated_at, deleted_at)
       VALUES (@id, @name, @environment, @agent_id, @ciphertext, @nonce, @salt, @key_version, @created_by, @created_at, @updated_at, @deleted_at)`,
    )
    .run(row);
}

/** Replaces a row's sealed value (a new value, or the same value under a new master key). */
export function updateSealed(db: StoreDatabase, id: string, sealed: SealedSecret, keyVersion: number, updatedAt: string | undefined): void {
  db.sql
    .prepare('UPDATE secrets SET ciphertext = ?, nonce = ?, salt = ?, key_version = ?, updated_at = coalesce(?, updated_at) WHERE id = ?')
    .run(sealed.ciphertext, sealed.nonce, sealed.salt, keyVersion, updatedAt ?? null, id);
}

export function setDeleted(db: StoreDatabase, id: string, deletedAt: string | null): void {
  db.sql.prepare('UPDATE secrets SET deleted_at = ? WHERE id = ?').run(deletedAt, id);
}

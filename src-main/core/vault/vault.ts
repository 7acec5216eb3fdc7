/**
 * The secrets vault (seed 002 #29–35): encrypted CRUD per environment and scope (global or one
 * agent), roles, soft delete, master-key rotation and what a runtime receives at start.
 *
 * Roles: admin — everything, and get() reveals the value; viewer — get/list, values masked;
 * agent — full values, for the runtime injection path only (the front ends never map a person to
 * it). Every call, allowed or refused, writes one secret_audit_log row (never a value); a change
 * and its audit row commit in the same transaction.
 *
 * The master key is checked against vault_meta's check value before anything is decrypted or
 * written, so a wrong key fails with E2032 and leaves every row as it was.
 */
import { CoreError } from '../contracts';
import type { StoreDatabase } from '../store/database';
import type { Environment } from '../store/environments';
import { newId } from '../store/ids';
import { SecretAuditRepository } from '../store/secret-audit-repository';
import type { NewSecretAuditEntry, SecretAuditEntry, SecretAuditFilter, SecretOperation } from '../store/secret-audit-repository';
import { isForeignKeyViolation, uniqueViolation } from '../store/sqlite-errors';
import { FULL_MASK, maskSecret } from './mask';
import type { MasterKeyProvider } from './master-key';
import { openSecret, sealSecret, SecretIntegrityError } from './secret-cipher';
import { findDeleted, findLive, identityOf, insertRow, listRows, runtimeRows, sealedOf, setDeleted, updateSealed } from './secret-rows';
import type { SecretRow } from './secret-rows';
import { keyMatches, readVaultMeta, writeVaultMeta } from './vault-meta';
import type { VaultMeta } from './vault-meta';
import { checkName, checkValue, notFound, requireRole, wrongKeyError } from './vault-rules';
import { toInfo } from './vault-types';
import type { SecretCaller, SecretInfo, SecretRead, SecretScope } from './vault-types';

export * from './vault-types';
export { MAX_SECRET_BYTES } from './vault-rules';

type AuditBase = Omit<NewSecretAuditEntry, 'success' | 'errorMessage'>;

/** Encrypted secrets over the store. */
export class Vault {
  private provider: MasterKeyProvider;
  private key: Buffer | undefined;

  constructor(
    private readonly db: StoreDatabase,
    keyProvider: MasterKeyProvider,
    private readonly audit: SecretAuditRepository = new SecretAuditRepository(db),
  ) {
    this.provider = keyProvider;
  }

  /** Creates the secret, or replaces the value of the live one with this name and scope (admin). */
  async set(name: string, value: string, options: SecretScope & SecretCaller): Promise<{ secret: SecretInfo; created: boolean }> {
    const base = this.auditBase(findLive(this.db, name, options.environment, options.agentId) ? 'UPDATE' : 'CREATE', name, options);
    return this.audited(base, async () => {
      requireRole(options, ['admin'], 'set secrets');
      checkName(name);
      checkValue(value);
      return this.withKey(true, (key, keyVersion) => {
        const now = this.db.now();
        const existing = findLive(this.db, name, options.environment, options.agentId);
        if (existing) {
          updateSealed(this.db, existing.id, sealSecret(key, identityOf(existing), value), keyVersion, now);
          this.audit.record({ ...base, operation: 'UPDATE', secretId: existing.id, success: true });
          return { secret: toInfo({ ...existing, key_version: keyVersion, updated_at: now }, maskSecret(value)), created: false };
        }
        const id = newId('sec', this.db.clock);
        const identity = { id, name, environment: options.environment, agent_id: options.agentId ?? null };
        const row: SecretRow = { ...identity, ...sealSecret(key, identityOf(identity), value), key_version: keyVersion, created_by: options.actor, created_at: now, updated_at: now, deleted_at: null };
        try {
          insertRow(this.db, row);
        } catch (error) {
          if (isForeignKeyViolation(error)) throw new CoreError('E2004', `No agent with id ${options.agentId ?? ''}: scope the secret to an existing agent, or leave the agent out for a global secret.`);
          throw error;
        }
        this.audit.record({ ...base, operation: 'CREATE', secretId: id, success: true });
        return { secret: toInfo(row, maskSecret(value)), created: true };
      });
    });
  }

  /** Replaces the value of an existing secret (E2031 if there is none); running replicas pick it up on reload. */
  async rotate(name: string, newValue: string, options: SecretScope & SecretCaller): Promise<SecretInfo> {
    if (!findLive(this.db, name, options.environment, options.agentId)) {
      const error = notFound(name, options);
      this.audit.record({ ...this.auditBase('UPDATE', name, options), success: false, errorMessage: error.message });
      throw error;
    }
    return (await this.set(name, newValue, options)).secret;
  }

  /** One secret: the value in full for admin (a reveal) and agent, masked for viewer. */
  async get(name: string, options: SecretScope & SecretCaller): Promise<SecretRead> {
    const base = this.auditBase('READ', name, options);
    return this.audited(base, async () => {
      requireRole(options, ['admin', 'viewer', 'agent'], 'read secrets');
      const row = findLive(this.db, name, options.environment, options.agentId);
      if (!row) throw notFound(name, options);
      return this.withKey(false, (key) => {
        const value = this.open(key, row);
        this.audit.record({ ...base, secretId: row.id, success: true });
        const revealed = options.role !== 'viewer';
        return { ...toInfo(row, maskSecret(value)), value: revealed ? value : maskSecret(value), revealed };
      });
    });
  }

  /** Secrets with masked values (every role), filtered by environment and scope (`agentId: null`: global only). */
  async list(options: SecretCaller & { environment?: Environment; agentId?: string | null; includeDeleted?: boolean }): Promise<SecretInfo[]> {
    const base: AuditBase = { operation: 'LIST', requesterRole: options.role, actor: options.actor, ...(options.environment ? { environment: options.environment } : {}), ...(options.agentId ? { agentId: options.agentId } : {}) };
    return this.audited(base, async () => {
      requireRole(options, ['admin', 'viewer', 'agent'], 'list secrets');
      const rows = listRows(this.db, options);
      if (rows.length === 0) {
        this.audit.record({ ...base, success: true });
        return [];
      }
      return this.withKey(false, (key) => {
        const infos = rows.map((row) => {
          try {
            return toInfo(row, maskSecret(this.open(key, row)));
          } catch {
            // One damaged row must not hide the others; it is flagged so an admin can set it again.
            return { ...toInfo(row, FULL_MASK), unreadable: true as const };
          }
        });
        this.audit.record({ ...base, success: true });
        return infos;
      });
    });
  }

  /** Soft-deletes the live secret (admin); it stops reaching agents, its audit trail stays. */
  async delete(name: string, options: SecretScope & SecretCaller): Promise<SecretInfo> {
    const base = this.auditBase('DELETE', name, options);
    return this.audited(base, async () => {
      requireRole(options, ['admin'], 'delete secrets');
      if (!findLive(this.db, name, options.environment, options.agentId)) throw notFound(name, options);
      return this.withKey(false, () => {
        const row = findLive(this.db, name, options.environment, options.agentId);
        if (!row) throw notFound(name, options);
        const now = this.db.now();
        setDeleted(this.db, row.id, now);
        this.audit.record({ ...base, secretId: row.id, success: true });
        return toInfo({ ...row, deleted_at: now }, FULL_MASK);
      });
    });
  }

  /** Undoes the latest soft delete of this name and scope (admin); E2007 if a live one exists. */
  async restore(name: string, options: SecretScope & SecretCaller): Promise<SecretInfo> {
    const base = this.auditBase('RESTORE', name, options);
    return this.audited(base, async () => {
      requireRole(options, ['admin'], 'restore secrets');
      if (!findDeleted(this.db, name, options.environment, options.agentId)) throw notFound(name, options);
      return this.withKey(false, () => {
        const row = findDeleted(this.db, name, options.environment, options.agentId);
        if (!row) throw notFound(name, options);
        try {
          setDeleted(this.db, row.id, null);
        } catch (error) {
          if (uniqueViolation(error) === undefined) throw error;
          throw new CoreError('E2007', `A live secret ${name} already exists in ${options.environment}; delete it first to restore the old one.`, { name });
        }
        this.audit.record({ ...base, secretId: row.id, success: true });
        return toInfo({ ...row, deleted_at: null }, FULL_MASK);
      });
    });
  }

  /**
   * Re-encrypts every secret (deleted ones too) under the new master key in ONE transaction,
   * with fresh salts and nonces, and records the new key's check value and KDF parameters with
   * it. If any row fails, nothing changes and the old key stays in force.
   */
  async rotateMasterKey(newProvider: MasterKeyProvider, caller: SecretCaller): Promise<{ reencrypted: number; keyVersion: number }> {
    const base: AuditBase = { operation: 'ROTATE_MASTER_KEY', requesterRole: caller.role, actor: caller.actor };
    return this.audited(base, async () => {
      requireRole(caller, ['admin'], 'rotate the master key');
      const newKey = await newProvider.getKey();
      const result = await this.withKey(true, (oldKey, keyVersion, meta) => {
        const next = keyVersion + 1;
        const rows = listRows(this.db, { includeDeleted: true });
        for (const row of rows) {
          const value = this.open(oldKey, row);
          updateSealed(this.db, row.id, sealSecret(newKey, identityOf(row), value), next, undefined);
        }
        writeVaultMeta(this.db, newKey, { keyVersion: next, keySource: newProvider.keyId, ...(newProvider.kdf ? { kdf: newProvider.kdf } : {}), createdAt: meta.createdAt, rotatedAt: this.db.now() });
        this.audit.record({ ...base, success: true });
        return { reencrypted: rows.length, keyVersion: next };
      });
      this.provider = newProvider;
      this.key = newKey;
      return result;
    });
  }

  /**
   * What a runtime of `agentId` in `environment` receives: the environment's global secrets,
   * overridden by the agent's own, as NAME → value. One RESOLVE audit row per secret.
   */
  async resolveForRuntime(agentId: string, environment: Environment, options: { actor?: string } = {}): Promise<Record<string, string>> {
    const actor = options.actor ?? `agent:${agentId}`;
    const base: AuditBase = { operation: 'RESOLVE', requesterRole: 'agent', actor, environment, agentId };
    return this.audited(base, async () => {
      const rows = runtimeRows(this.db, agentId, environment);
      if (rows.length === 0) {
        this.audit.record({ ...base, success: true });
        return {};
      }
      return this.withKey(false, (key) => {
        const resolved: Record<string, string> = {};
        // Rows come global first, then the agent's own, so an agent's secret overrides a global one.
        for (const row of rows) resolved[row.name] = this.open(key, row);
        for (const row of rows) this.audit.record({ ...base, secretId: row.id, secretName: row.name, success: true });
        return resolved;
      });
    });
  }

  /** The secret audit trail, newest first. */
  auditTrail(filter: SecretAuditFilter = {}): SecretAuditEntry[] {
    return this.audit.list(filter);
  }

  /** Forgets the cached master key (the next call asks the provider again). */
  lock(): void {
    this.key?.fill(0);
    this.key = undefined;
  }

  /**
   * Gets the master key, checks it against vault_meta (sealing a new vault first when
   * `initialize`), and runs `fn` with it inside one write transaction that re-checks the key, so
   * a rotation by another process in between cannot mix keys. Callers that only read check
   * first that there is a row to read: a vault without vault_meta has never held a secret.
   */
  private async withKey<T>(initialize: boolean, fn: (key: Buffer, keyVersion: number, meta: VaultMeta) => T): Promise<T> {
    const key = this.key ?? (await this.provider.getKey());
    return this.db.write(() => {
      let meta = readVaultMeta(this.db);
      if (!meta) {
        if (!initialize) throw new CoreError('E2050', 'The secrets table has rows but the vault has no key check (vault_meta): the database was edited by hand. Restore it from a backup.');
        writeVaultMeta(this.db, key, { keyVersion: 1, keySource: this.provider.keyId, ...(this.provider.kdf ? { kdf: this.provider.kdf } : {}), createdAt: this.db.now() });
        meta = readVaultMeta(this.db);
      }
      if (!meta || !keyMatches(meta, key)) {
        this.lock();
        throw wrongKeyError(meta, this.provider);
      }
      this.key = key;
      return fn(key, meta.keyVersion, meta);
    });
  }

  private open(key: Buffer, row: SecretRow): string {
    try {
      return openSecret(key, identityOf(row), sealedOf(row));
    } catch (error) {
      if (!(error instanceof SecretIntegrityError)) throw error;
      throw new CoreError('E2050', `Secret ${row.name} (${row.environment}${row.agent_id ? `, agent ${row.agent_id}` : ''}) cannot be decrypted: its row was altered in the database. Set it again; nothing was changed.`, {
        secretId: row.id,
      });
    }
  }

  private auditBase(operation: SecretOperation, name: string, options: SecretScope & SecretCaller): AuditBase {
    return { operation, secretName: name, environment: options.environment, ...(options.agentId ? { agentId: options.agentId } : {}), requesterRole: options.role, actor: options.actor };
  }

  /** Runs `body`; on failure appends a refused/failed audit row (its message, never a value) and rethrows. */
  private async audited<T>(base: AuditBase, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const message = error instanceof CoreError ? `${error.code}: ${error.message}` : 'internal error';
      try {
        this.audit.record({ ...base, success: false, errorMessage: message });
      } catch {
        // The caller must see the original failure, not a secondary one from the audit insert.
      }
      throw error;
    }
  }
}


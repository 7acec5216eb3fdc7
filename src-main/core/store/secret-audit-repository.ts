/**
 * The secret audit trail (seed 002 #34): every vault operation with the secret's name, never its
 * value. Append-only in the database like the admin audit log.
 */
import { escapeLike, queryLog } from './log-query';
import type { LogWindow } from './log-query';
import type { StoreDatabase } from './database';

export type SecretOperation = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | 'RESTORE' | 'LIST' | 'RESOLVE' | 'UNLOCK' | 'ROTATE_MASTER_KEY';

export interface SecretAuditEntry {
  id: number;
  createdAt: string;
  secretId?: string;
  /** Absent for operations on no single secret (LIST, UNLOCK, ROTATE_MASTER_KEY). */
  secretName?: string;
  environment?: string;
  agentId?: string;
  operation: SecretOperation;
  requesterRole: string;
  actor: string;
  success: boolean;
  errorMessage?: string;
}

export type NewSecretAuditEntry = Omit<SecretAuditEntry, 'id' | 'createdAt'>;

export interface SecretAuditFilter extends LogWindow {
  secretName?: string;
  operation?: SecretOperation;
  /** Any of these operations. */
  operations?: readonly SecretOperation[];
  agentId?: string;
  actor?: string;
  /** Found (case-insensitively) in the secret's name, the operation, the actor, the environment or the error. */
  text?: string;
}

interface SecretAuditRow {
  id: number;
  created_at: string;
  secret_id: string | null;
  secret_name: string | null;
  environment: string | null;
  agent_id: string | null;
  operation: SecretOperation;
  requester_role: string;
  actor: string;
  success: number;
  error_message: string | null;
}

const toEntry = (row: SecretAuditRow): SecretAuditEntry => ({
  id: row.id,
  createdAt: row.created_at,
  ...(row.secret_id !== null ? { secretId: row.secret_id } : {}),
  ...(row.secret_name !== null ? { secretName: row.secret_name } : {}),
  ...(row.environment !== null ? { environment: row.environment } : {}),
  ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
  operation: row.operation,
  requesterRole: row.requester_role,
  actor: row.actor,
  success: row.success === 1,
  ...(row.error_message !== null ? { errorMessage: row.error_message } : {}),
});

/** Appends to and queries `secret_audit_log`. */
export class SecretAuditRepository {
  constructor(private readonly db: StoreDatabase) {}

  record(entry: NewSecretAuditEntry): SecretAuditEntry {
    const createdAt = this.db.now();
    const result = this.db.sql
      .prepare(
        `INSERT INTO secret_audit_log (created_at, secret_id, secret_name, environment, agent_id, operation, requester_role, actor, success, error_message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        createdAt,
        entry.secretId ?? null,
        entry.secretName ?? null,
        entry.environment ?? null,
        entry.agentId ?? null,
        entry.operation,
        entry.requesterRole,
        entry.actor,
        entry.success ? 1 : 0,
        entry.errorMessage ?? null,
      );
    return { ...entry, id: Number(result.lastInsertRowid), createdAt };
  }

  /** Entries matching the filter, newest first (`GET /secrets/audit?secret_name=…`). */
  list(filter: SecretAuditFilter = {}): SecretAuditEntry[] {
    const conditions: [string, unknown][] = [];
    if (filter.secretName !== undefined) conditions.push(['secret_name = ?', filter.secretName]);
    if (filter.operation !== undefined) conditions.push(['operation = ?', filter.operation]);
    if (filter.operations !== undefined) conditions.push(['operation IN (SELECT value FROM json_each(?))', JSON.stringify(filter.operations)]);
    if (filter.agentId !== undefined) conditions.push(['agent_id = ?', filter.agentId]);
    if (filter.actor !== undefined) conditions.push(['actor = ?', filter.actor]);
    if (filter.text !== undefined) {
      conditions.push([
        `(coalesce(secret_name, '') || ' ' || operation || ' ' || actor || ' ' || coalesce(environment, '') || ' ' || coalesce(error_message, '')) LIKE ? ESCAPE '\\'`,
        `%${escapeLike(filter.text)}%`,
      ]);
    }
    return queryLog<SecretAuditRow>(this.db, 'secret_audit_log', conditions, filter).map(toEntry);
  }
}

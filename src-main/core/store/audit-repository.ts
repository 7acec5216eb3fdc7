/**
 * The admin audit log: who did what to which thing, as which role, and whether it worked.
 * Append-only — the database refuses updates and deletes (migration 1); only the retention job
 * removes rows, and only old ones. `details` must never carry a secret value or a raw key.
 */
import type { StoreDatabase } from './database';

export interface AuditEntry {
  id: number;
  createdAt: string;
  actor: string;
  role: string;
  /** `domain:verb`, e.g. `deploy:create`, `key:revoke`, `secret:rotate`. */
  action: string;
  /** What was acted on, e.g. `agent:doc-summarizer`, `deployment:dep_…`. */
  target: string;
  success: boolean;
  error?: string;
  details?: Record<string, unknown>;
}

export interface NewAuditEntry {
  actor: string;
  role: string;
  action: string;
  target: string;
  success: boolean;
  error?: string;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** Exact target, or a prefix ending in `*` (`agent:*`). */
  target?: string;
  success?: boolean;
  /** Inclusive lower and exclusive upper ISO bounds. */
  from?: string;
  to?: string;
  /** Entries with a smaller id (paging backwards). */
  beforeId?: number;
  /** Default 100, at most 10,000. */
  limit?: number;
}

interface AuditRow {
  id: number;
  created_at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  success: number;
  error: string | null;
  details_json: string | null;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  createdAt: row.created_at,
  actor: row.actor,
  role: row.role,
  action: row.action,
  target: row.target,
  success: row.success === 1,
  ...(row.error !== null ? { error: row.error } : {}),
  ...(row.details_json !== null ? { details: JSON.parse(row.details_json) as Record<string, unknown> } : {}),
});

/** Appends to and queries `audit_log`. */
export class AuditRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Appends one entry. */
  record(entry: NewAuditEntry): AuditEntry {
    const createdAt = this.db.now();
    const result = this.db.sql
      .prepare('INSERT INTO audit_log (created_at, actor, role, action, target, success, error, details_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(createdAt, entry.actor, entry.role, entry.action, entry.target, entry.success ? 1 : 0, entry.error ?? null, entry.details === undefined ? null : JSON.stringify(entry.details));
    return { ...entry, id: Number(result.lastInsertRowid), createdAt };
  }

  /** Entries matching the filter, newest first. */
  list(filter: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      values.push(value);
    };
    if (filter.actor !== undefined) add('actor = ?', filter.actor);
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.target !== undefined) {
      if (filter.target.endsWith('*')) add("target LIKE ? ESCAPE '\\'", `${escapeLike(filter.target.slice(0, -1))}%`);
      else add('target = ?', filter.target);
    }
    if (filter.success !== undefined) add('success = ?', filter.success ? 1 : 0);
    if (filter.from !== undefined) add('created_at >= ?', filter.from);
    if (filter.to !== undefined) add('created_at < ?', filter.to);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    values.push(clampLimit(filter.limit));
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.sql.prepare(sql).all(...values) as AuditRow[]).map(toEntry);
  }
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A page size between 1 and 10,000 (default 100). */
export function clampLimit(limit: number | undefined): number {
  return Math.min(10_000, Math.max(1, Math.floor(limit ?? 100)));
}

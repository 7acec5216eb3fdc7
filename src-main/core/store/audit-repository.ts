/**
 * The admin audit log: who did what to which thing, as which role, and whether it worked.
 * Append-only — the database refuses updates and deletes (migration 1); only the retention job
 * removes rows, and only old ones. `details` must never carry a secret value or a raw key.
 */
import type { StoreDatabase } from './database';
import { escapeLike, queryLog } from './log-query';
import type { LogWindow } from './log-query';

export interface NewAuditEntry {
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

export interface AuditEntry extends NewAuditEntry {
  id: number;
  createdAt: string;
}

export interface AuditFilter extends LogWindow {
  actor?: string;
  /** Exact action, or a prefix ending in `*` (`deploy:*`). */
  action?: string;
  /** Exact target, or a prefix ending in `*` (`agent:*`). */
  target?: string;
  /** Found (case-insensitively) in the actor, action, target, error or details. */
  text?: string;
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
    const conditions: [string, unknown][] = [];
    if (filter.actor !== undefined) conditions.push(['actor = ?', filter.actor]);
    if (filter.action !== undefined) conditions.push(exactOrPrefix('action', filter.action));
    if (filter.target !== undefined) conditions.push(exactOrPrefix('target', filter.target));
    if (filter.text !== undefined) {
      conditions.push([`(actor || ' ' || action || ' ' || target || ' ' || coalesce(error, '') || ' ' || coalesce(details_json, '')) LIKE ? ESCAPE '\\'`, `%${escapeLike(filter.text)}%`]);
    }
    return queryLog<AuditRow>(this.db, 'audit_log', conditions, filter).map(toEntry);
  }
}

/** `column = value`, or a LIKE prefix when the value ends in `*`. */
function exactOrPrefix(column: 'action' | 'target', value: string): [string, unknown] {
  return value.endsWith('*') ? [`${column} LIKE ? ESCAPE '\\'`, `${escapeLike(value.slice(0, -1))}%`] : [`${column} = ?`, value];
}

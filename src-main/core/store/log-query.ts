/**
 * Queries over the append-only logs (`audit_log`, `secret_audit_log`): the caller's own conditions
 * plus the ones every log shares — success, a time window, a page before an id — newest first.
 */
import type { StoreDatabase } from './database';

/** Filters every log accepts. */
export interface LogWindow {
  success?: boolean;
  /** ISO-8601, inclusive. */
  from?: string;
  /** ISO-8601, exclusive. */
  to?: string;
  /** Page backwards: only ids below this one. */
  beforeId?: number;
  /** At most this many rows (1–10,000, default 100). */
  limit?: number;
}

/** Rows of `table` matching `conditions` (clause with one `?`, value) and the window, newest first. */
export function queryLog<Row>(db: StoreDatabase, table: 'audit_log' | 'secret_audit_log', conditions: [clause: string, value: unknown][], window: LogWindow): Row[] {
  const all: [string, unknown][] = [...conditions];
  if (window.success !== undefined) all.push(['success = ?', window.success ? 1 : 0]);
  if (window.from !== undefined) all.push(['created_at >= ?', window.from]);
  if (window.to !== undefined) all.push(['created_at < ?', window.to]);
  if (window.beforeId !== undefined) all.push(['id < ?', window.beforeId]);
  const where = all.length ? `WHERE ${all.map(([clause]) => clause).join(' AND ')}` : '';
  return db.sql.prepare(`SELECT * FROM ${table} ${where} ORDER BY id DESC LIMIT ?`).all(...all.map(([, value]) => value), clampLimit(window.limit)) as Row[];
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A page size between 1 and 10,000 (default 100). */
function clampLimit(limit: number | undefined): number {
  return Math.min(10_000, Math.max(1, Math.floor(limit ?? 100)));
}

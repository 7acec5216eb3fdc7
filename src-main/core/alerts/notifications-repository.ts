/** The `notifications` table: what the console shows in its notification list and pop-ups (seed 002 #24). */
import type { StoreDatabase } from '../store/database';
import type { Severity } from './alert-types';

/** What a producer supplies. */
export interface NewNotification {
  agentId?: string;
  agentName?: string;
  /** Who produced it: `alert:<rule>`, `deploy`, … */
  source: string;
  severity: Severity;
  title: string;
  body: string;
  /** Numbers and a suggested action (`{ action: 'increase_budget', suggestedIncreaseUsd: 25 }`); never a secret. */
  data?: Record<string, unknown>;
}

/** One in-app notification. */
export interface Notification extends NewNotification {
  id: number;
  data: Record<string, unknown>;
  createdAt: string;
  readAt?: string;
}

/** Which notifications to list. */
export interface NotificationFilter {
  unreadOnly?: boolean;
  agentId?: string;
  beforeId?: number;
  afterId?: number;
  /** Default 50, at most 1000. */
  limit?: number;
}

interface NotificationRow {
  id: number;
  agent_id: string | null;
  agent_name: string | null;
  source: string;
  severity: Severity;
  title: string;
  body: string;
  data_json: string;
  created_at: string;
  read_at: string | null;
}

/** Reads and writes notifications. */
export class NotificationsRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Stores one (joins the caller's transaction if there is one). */
  insert(input: NewNotification): Notification {
    const id = Number(
      this.db.sql
        .prepare('INSERT INTO notifications (agent_id, agent_name, source, severity, title, body, data_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.agentId ?? null, input.agentName ?? null, input.source, input.severity, input.title, input.body, JSON.stringify(input.data ?? {}), this.db.now()).lastInsertRowid,
    );
    return this.byId(id) as Notification;
  }

  /** One notification. */
  byId(id: number): Notification | undefined {
    const row = this.db.sql.prepare('SELECT * FROM notifications WHERE id = ?').get(id) as NotificationRow | undefined;
    return row ? toNotification(row) : undefined;
  }

  /** Newest first; `beforeId` pages back, `afterId` polls for rows another process (a CLI) wrote. */
  list(filter: NotificationFilter = {}): Notification[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.unreadOnly) where.push('read_at IS NULL');
    if (filter.agentId !== undefined) {
      where.push('agent_id = ?');
      values.push(filter.agentId);
    }
    if (filter.afterId !== undefined) {
      where.push('id > ?');
      values.push(filter.afterId);
    }
    if (filter.beforeId !== undefined) {
      where.push('id < ?');
      values.push(filter.beforeId);
    }
    const rows = this.db.sql
      .prepare(`SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...values, Math.max(1, Math.min(filter.limit ?? 50, 1000))) as NotificationRow[];
    return rows.map(toNotification);
  }

  /** How many are unread. */
  unreadCount(): number {
    return (this.db.sql.prepare('SELECT count(*) AS n FROM notifications WHERE read_at IS NULL').get() as { n: number }).n;
  }

  /** Marks the given ones read; returns how many changed. */
  markRead(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    const now = this.db.now();
    const update = this.db.sql.prepare('UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL');
    return this.db.write(() => ids.reduce((changed, id) => changed + update.run(now, id).changes, 0));
  }

  /** Marks every unread one read; returns how many changed. */
  markAllRead(): number {
    return this.db.sql.prepare('UPDATE notifications SET read_at = ? WHERE read_at IS NULL').run(this.db.now()).changes;
  }
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
    ...(row.agent_name !== null ? { agentName: row.agent_name } : {}),
    source: row.source,
    severity: row.severity,
    title: row.title,
    body: row.body,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    createdAt: row.created_at,
    ...(row.read_at !== null ? { readAt: row.read_at } : {}),
  };
}

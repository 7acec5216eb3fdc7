/**
 * The alert tables: rule overrides (`alert_rules`), where each rule of each agent stands
 * (`alert_state`), the history of firings and resolutions (`alert_events`) and the delivery
 * outbox (`alert_deliveries`). Synchronous, like the rest of the store.
 */
import type { StoreDatabase } from '../store/database';
import { effectiveRules } from './alert-rules';
import type { RuleOverride } from './alert-rules';
import type { AgentRules, AlertDecision, AlertState, RuleId, Severity } from './alert-types';

/** One row of the history. */
export interface AlertEventRecord {
  id: number;
  agentId: string;
  agentName: string;
  rule: RuleId;
  kind: 'fired' | 'resolved';
  severity: Severity;
  value: number | null;
  threshold: number;
  /** Whether it was announced (in-app and channels). */
  notified: boolean;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/** One delivery of an alert (or a test message) to one channel. */
export interface DeliveryRecord {
  id: number;
  /** Null for a channel test. */
  alertEventId: number | null;
  channelId: number;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError?: string;
  createdAt: string;
  finishedAt?: string;
}

interface EventRow {
  id: number;
  agent_id: string;
  agent_name: string;
  rule: RuleId;
  kind: 'fired' | 'resolved';
  severity: Severity;
  value: number | null;
  threshold: number;
  notified: 0 | 1;
  title: string;
  body: string;
  data_json: string;
  created_at: string;
}

interface DeliveryRow {
  id: number;
  alert_event_id: number | null;
  channel_id: number;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

interface StateRow {
  rule: RuleId;
  status: 'ok' | 'firing';
  period: string | null;
  notified: 0 | 1;
  since: string;
}

/** Reads and writes the alert tables. */
export class AlertsRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** The stored override of every rule for one agent, or the global ones (`agentId` undefined). */
  overrides(agentId?: string): Partial<Record<RuleId, RuleOverride>> {
    const rows = this.db.sql.prepare('SELECT rule, params_json FROM alert_rules WHERE agent_id IS ?').all(agentId ?? null) as { rule: RuleId; params_json: string }[];
    return Object.fromEntries(rows.map((row) => [row.rule, JSON.parse(row.params_json) as RuleOverride]));
  }

  /** Merges `override` into the stored override of a rule (globally, or for one agent). Check it first (checkRuleOverride). */
  setOverride(rule: RuleId, override: RuleOverride, agentId?: string): RuleOverride {
    return this.db.write(() => {
      const merged = { ...(this.overrides(agentId)[rule] ?? {}), ...override };
      this.db.sql.prepare('DELETE FROM alert_rules WHERE agent_id IS ? AND rule = ?').run(agentId ?? null, rule);
      this.db.sql.prepare('INSERT INTO alert_rules (agent_id, rule, params_json, updated_at) VALUES (?, ?, ?, ?)').run(agentId ?? null, rule, JSON.stringify(merged), this.db.now());
      return merged;
    });
  }

  /** Drops an override, so the rule falls back to the global override or the default. */
  clearOverride(rule: RuleId, agentId?: string): boolean {
    return this.db.sql.prepare('DELETE FROM alert_rules WHERE agent_id IS ? AND rule = ?').run(agentId ?? null, rule).changes > 0;
  }

  /** The effective rules of an agent: defaults ← global overrides ← its own; without an agent, defaults ← global. */
  rulesFor(agentId?: string): AgentRules {
    return effectiveRules(agentId === undefined ? [this.overrides()] : [this.overrides(), this.overrides(agentId)]);
  }

  /** Where every rule of an agent stands. */
  states(agentId: string): Map<RuleId, AlertState> {
    const rows = this.db.sql.prepare('SELECT rule, status, period, notified, since FROM alert_state WHERE agent_id = ?').all(agentId) as StateRow[];
    return new Map(rows.map((row) => [row.rule, { status: row.status, notified: row.notified === 1, since: row.since, ...(row.period !== null ? { period: row.period } : {}) }]));
  }

  /**
   * Records a decision: its history row, the rule's new state, and a pending delivery for each
   * channel id given (the caller picks them). Returns the history row's id.
   */
  record(decision: AlertDecision, channelIds: readonly number[]): number {
    return this.db.write(() => {
      const now = this.db.now();
      const eventId = Number(
        this.db.sql
          .prepare(
            `INSERT INTO alert_events (agent_id, agent_name, rule, kind, severity, value, threshold, notified, title, body, data_json, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(decision.agentId, decision.agentName, decision.rule, decision.kind, decision.severity, decision.value, decision.threshold, decision.notify ? 1 : 0, decision.title, decision.body, JSON.stringify({ ...decision.data, ...(decision.reason ? { reason: decision.reason } : {}) }), now)
          .lastInsertRowid,
      );
      this.db.sql
        .prepare(
          `INSERT INTO alert_state (agent_id, rule, status, period, notified, since, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (agent_id, rule) DO UPDATE SET status = excluded.status, period = excluded.period, notified = excluded.notified, since = excluded.since, event_id = excluded.event_id`,
        )
        .run(decision.agentId, decision.rule, decision.kind === 'fired' ? 'firing' : 'ok', decision.period ?? null, decision.kind === 'fired' && decision.notify ? 1 : 0, now, eventId);
      const insert = this.db.sql.prepare("INSERT INTO alert_deliveries (alert_event_id, channel_id, status, created_at) VALUES (?, ?, 'pending', ?)");
      for (const channelId of channelIds) insert.run(eventId, channelId, now);
      return eventId;
    });
  }

  /** History, newest first. */
  events(filter: { agentId?: string; rule?: RuleId; limit?: number } = {}): AlertEventRecord[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.agentId !== undefined) {
      where.push('agent_id = ?');
      values.push(filter.agentId);
    }
    if (filter.rule !== undefined) {
      where.push('rule = ?');
      values.push(filter.rule);
    }
    const rows = this.db.sql
      .prepare(`SELECT * FROM alert_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...values, filter.limit ?? 100) as EventRow[];
    return rows.map(toEvent);
  }

  /** One history row. */
  event(id: number): AlertEventRecord | undefined {
    const row = this.db.sql.prepare('SELECT * FROM alert_events WHERE id = ?').get(id) as EventRow | undefined;
    return row ? toEvent(row) : undefined;
  }

  /** A pending delivery of a test message to a channel. */
  addTestDelivery(channelId: number): number {
    return Number(this.db.sql.prepare("INSERT INTO alert_deliveries (alert_event_id, channel_id, status, created_at) VALUES (NULL, ?, 'pending', ?)").run(channelId, this.db.now()).lastInsertRowid);
  }

  /** Pending deliveries of alerts, oldest first. */
  pendingDeliveries(): DeliveryRecord[] {
    return (this.db.sql.prepare("SELECT * FROM alert_deliveries WHERE status = 'pending' AND alert_event_id IS NOT NULL ORDER BY id").all() as DeliveryRow[]).map(toDelivery);
  }

  /** Records a delivery's outcome. */
  finishDelivery(id: number, outcome: { ok: boolean; attempts: number; error?: string }): DeliveryRecord {
    this.db.sql
      .prepare("UPDATE alert_deliveries SET status = ?, attempts = attempts + ?, last_error = ?, finished_at = ? WHERE id = ? AND status = 'pending'")
      .run(outcome.ok ? 'sent' : 'failed', outcome.attempts, outcome.ok ? null : (outcome.error ?? 'failed'), this.db.now(), id);
    return this.delivery(id) as DeliveryRecord;
  }

  /** One delivery. */
  delivery(id: number): DeliveryRecord | undefined {
    const row = this.db.sql.prepare('SELECT * FROM alert_deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
    return row ? toDelivery(row) : undefined;
  }

  /** Deliveries, newest first, by channel or alert. */
  deliveries(filter: { channelId?: number; alertEventId?: number; limit?: number } = {}): DeliveryRecord[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.channelId !== undefined) {
      where.push('channel_id = ?');
      values.push(filter.channelId);
    }
    if (filter.alertEventId !== undefined) {
      where.push('alert_event_id = ?');
      values.push(filter.alertEventId);
    }
    const rows = this.db.sql
      .prepare(`SELECT * FROM alert_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...values, filter.limit ?? 100) as DeliveryRow[];
    return rows.map(toDelivery);
  }
}

function toEvent(row: EventRow): AlertEventRecord {
  return {
    id: row.id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    rule: row.rule,
    kind: row.kind,
    severity: row.severity,
    value: row.value,
    threshold: row.threshold,
    notified: row.notified === 1,
    title: row.title,
    body: row.body,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    alertEventId: row.alert_event_id,
    channelId: row.channel_id,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    createdAt: row.created_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
  };
}

/**
 * Retention (seed 003): run records and audit logs 30 days, other telemetry events 7 days, all
 * configurable. "Runs" are the `run_end` events (one per invocation) and the per-minute rollups
 * built from them; "events" are the rest of the stream (tokens, tools, policy, logs…). The
 * 10-minute rollups go with the minute ones. The hourly and daily rollups (counts, spend, a
 * latency histogram: no content) are kept 90 days, and never less than the minute rows: a read
 * takes a window's whole hours and days from them alone (rollup-tiers.ts), so they must cover
 * every hour the minutes still do. 90 days keeps a whole calendar month of spend (budget
 * projection, month-to-date) past the 30-day run window, and a quarter for trends, at 1/60 of
 * the minute rows' size.
 *
 * Alert history (alert_events with their deliveries, and test deliveries) and read in-app
 * notifications are kept 30 days too; an unread notification stays until somebody reads it.
 *
 * The audit logs are append-only in the database; this job is the one writer their DELETE
 * trigger admits: it opens `retention_guard` with its cutoff, deletes, and closes it again, all in
 * one transaction (a crash rolls the guard back too). Work goes in batches so a large purge never
 * holds the write lock for long.
 */
import { retentionDaysProblem } from '../../../src-shared/settings-rules';
import type { RetentionKey } from '../../../src-shared/settings-rules';
import { CoreError } from '../contracts';
import { daysBefore } from './clock';
import type { StoreDatabase } from './database';
import { bucketKey, DAY_TIER, HOUR_TIER, TEN_MINUTE_TIER } from './rollup-tiers';
import type { RollupTier } from './rollup-tiers';

export interface RetentionOptions {
  /** run_end events and rollups; default 30. */
  runsDays?: number;
  /** audit_log and secret_audit_log; default 30, at least 1 (the database keeps a day whatever this says). */
  auditDays?: number;
  /** Every other telemetry event; default 7. */
  eventsDays?: number;
  /** Hourly and daily rollups; default 90, never less than runsDays. */
  rollupHistoryDays?: number;
  /** Alert history and read notifications; default 30. */
  alertsDays?: number;
}

/** Rows deleted per table. */
export interface RetentionResult {
  auditLog: number;
  secretAuditLog: number;
  runEvents: number;
  events: number;
  rollups: number;
  tenMinuteRollups: number;
  hourlyRollups: number;
  dailyRollups: number;
  idempotencyKeys: number;
  alertEvents: number;
  notifications: number;
}

export const DEFAULT_RETENTION = Object.freeze({ runsDays: 30, auditDays: 30, eventsDays: 7, rollupHistoryDays: 90, alertsDays: 30 });

const BATCH = 5000;

/** Deletes what is older than the windows; returns the counts. */
export function runRetention(db: StoreDatabase, options: RetentionOptions = {}): RetentionResult {
  const runsDays = days(options.runsDays ?? DEFAULT_RETENTION.runsDays, 'runsDays');
  const auditDays = days(options.auditDays ?? DEFAULT_RETENTION.auditDays, 'auditDays');
  const eventsDays = days(options.eventsDays ?? DEFAULT_RETENTION.eventsDays, 'eventsDays');
  const historyDays = Math.max(runsDays, days(options.rollupHistoryDays ?? DEFAULT_RETENTION.rollupHistoryDays, 'rollupHistoryDays'));
  const now = db.clock();
  const runsCutoff = daysBefore(now, runsDays);
  const eventsCutoff = daysBefore(now, eventsDays);
  const historyCutoff = now - historyDays * 86_400_000;
  const alertsCutoff = daysBefore(now, days(options.alertsDays ?? DEFAULT_RETENTION.alertsDays, 'alertsDays'));
  return {
    auditLog: purgeAudit(db, 'audit_log', daysBefore(now, auditDays)),
    secretAuditLog: purgeAudit(db, 'secret_audit_log', daysBefore(now, auditDays)),
    runEvents: inBatches(db, "DELETE FROM telemetry_events WHERE id IN (SELECT id FROM telemetry_events WHERE time < ? AND type = 'run_end' LIMIT ?)", runsCutoff),
    events: inBatches(db, "DELETE FROM telemetry_events WHERE id IN (SELECT id FROM telemetry_events WHERE time < ? AND type <> 'run_end' LIMIT ?)", eventsCutoff),
    rollups: inBatches(db, 'DELETE FROM telemetry_rollups WHERE (agent_id, minute) IN (SELECT agent_id, minute FROM telemetry_rollups WHERE minute < ? LIMIT ?)', runsCutoff),
    tenMinuteRollups: purgeRollups(db, TEN_MINUTE_TIER, Date.parse(runsCutoff)),
    hourlyRollups: purgeRollups(db, HOUR_TIER, historyCutoff),
    dailyRollups: purgeRollups(db, DAY_TIER, historyCutoff),
    idempotencyKeys: db.write(() => db.sql.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(db.now()).changes),
    // Deliveries of a deleted event go with it (ON DELETE CASCADE); test deliveries have no event.
    alertEvents:
      inBatches(db, 'DELETE FROM alert_deliveries WHERE id IN (SELECT id FROM alert_deliveries WHERE alert_event_id IS NULL AND created_at < ? LIMIT ?)', alertsCutoff) +
      inBatches(db, 'DELETE FROM alert_events WHERE id IN (SELECT id FROM alert_events WHERE created_at < ? LIMIT ?)', alertsCutoff),
    notifications: inBatches(db, 'DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE read_at IS NOT NULL AND created_at < ? LIMIT ?)', alertsCutoff),
  };
}

function purgeAudit(db: StoreDatabase, table: 'audit_log' | 'secret_audit_log', cutoff: string): number {
  let total = 0;
  for (;;) {
    const deleted = db.write(() => {
      db.sql.prepare('UPDATE retention_guard SET cutoff = ? WHERE table_name = ?').run(cutoff, table);
      // The trigger's own one-day floor is repeated here so a clock ahead of SQLite's never
      // makes the trigger abort the batch.
      const changes = db.sql
        .prepare(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE created_at < ? AND created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day') ORDER BY id LIMIT ?)`)
        .run(cutoff, BATCH).changes;
      db.sql.prepare('UPDATE retention_guard SET cutoff = NULL WHERE table_name = ?').run(table);
      return changes;
    });
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/** Deletes a tier's buckets that end at or before the cutoff: one that straddles it still holds minutes that are kept. */
function purgeRollups(db: StoreDatabase, tier: RollupTier, cutoffMs: number): number {
  const sql = `DELETE FROM ${tier.table} WHERE (agent_id, ${tier.key}) IN (SELECT agent_id, ${tier.key} FROM ${tier.table} WHERE ${tier.key} < ? LIMIT ?)`;
  return inBatches(db, sql, bucketKey(cutoffMs, tier));
}

function inBatches(db: StoreDatabase, sql: string, cutoff: string): number {
  const statement = db.sql.prepare(sql);
  let total = 0;
  for (;;) {
    const deleted = db.write(() => statement.run(cutoff, BATCH).changes);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/** The window, or E2050 by the rule settings and the environment follow too (src-shared/settings-rules.ts). */
function days(value: number, name: RetentionKey): number {
  const problem = retentionDaysProblem(name, value);
  if (problem !== undefined) throw new CoreError('E2050', `Retention ${name} ${problem}.`, { [name]: value });
  return value;
}

/** The environment variable that sets each window (and overrides the stored setting). */
export const RETENTION_ENV: Readonly<Record<string, RetentionKey>> = {
  AGENTDOCK_RETENTION_RUNS_DAYS: 'runsDays',
  AGENTDOCK_RETENTION_AUDIT_DAYS: 'auditDays',
  AGENTDOCK_RETENTION_EVENTS_DAYS: 'eventsDays',
  AGENTDOCK_RETENTION_ROLLUP_DAYS: 'rollupHistoryDays',
  AGENTDOCK_RETENTION_ALERTS_DAYS: 'alertsDays',
};

/** Retention windows set in the environment (`AGENTDOCK_RETENTION_<RUNS|AUDIT|EVENTS|ROLLUP|ALERTS>_DAYS`), checked now. */
export function retentionFromEnv(env: Readonly<Record<string, string | undefined>>): RetentionOptions {
  const options: RetentionOptions = {};
  for (const [name, key] of Object.entries(RETENTION_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    const problem = /^\d+(\.\d+)?$/.test(raw.trim()) ? retentionDaysProblem(key, value) : 'must be a number of days';
    if (problem !== undefined) throw new CoreError('E2050', `${name} ${problem.replace(/, got .*$/, '')}, got ${JSON.stringify(raw)}; fix or unset it.`, { [name]: raw });
    options[key] = value;
  }
  return options;
}

/** Runs retention now and then every `intervalMs` (default 6 hours) until disposed. */
export function scheduleRetention(
  db: StoreDatabase,
  options: RetentionOptions & {
    /** Asked before every run (settings an admin may change while the app runs); overrides the fixed windows. */
    windows?: () => RetentionOptions;
    intervalMs?: number;
    onResult?: (result: RetentionResult) => void;
    onError?: (error: unknown) => void;
  } = {},
): { dispose(): void } {
  const run = (): void => {
    try {
      // Not `onResult?.(runRetention(…))`: an optional call skips evaluating its arguments.
      const result = runRetention(db, options.windows ? options.windows() : options);
      options.onResult?.(result);
    } catch (error) {
      // A failed purge (a busy database, a closed connection) must not take the process down; the next run retries.
      options.onError?.(error);
    }
  };
  run();
  const timer = setInterval(run, options.intervalMs ?? 6 * 60 * 60 * 1000);
  // Retention never keeps a CLI command or a test alive on its own.
  timer.unref();
  return { dispose: () => clearInterval(timer) };
}

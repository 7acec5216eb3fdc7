// Retention against the real triggers: old rows go, recent rows stay, and the append-only logs
// are still closed to everyone else afterwards.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentsRepository } from './agents-repository';
import { AuditRepository } from './audit-repository';
import { IdempotencyRepository } from './idempotency-repository';
import { retentionFromEnv, runRetention, scheduleRetention } from './retention';
import { SecretAuditRepository } from './secret-audit-repository';
import { TelemetryRepository } from './telemetry-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase;
// The triggers use SQLite's real clock, so the test's "now" is the real now and "old" is in the past.
const NOW = Date.now();

beforeEach(() => {
  temp = tempDatabase({}, NOW);
});
afterEach(() => temp.cleanup());

function seed(daysAgo: number, label: string): void {
  temp.clock.ms = NOW - daysAgo * 86_400_000;
  const agentId = new AgentsRepository(temp.db).getOrCreate('doc').agent.id;
  new AuditRepository(temp.db).record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: label, success: true });
  new SecretAuditRepository(temp.db).record({ operation: 'READ', secretName: label, requesterRole: 'agent', actor: 'agent:doc', success: true });
  const time = temp.db.now();
  new TelemetryRepository(temp.db).ingest([
    { agentId, source: label, eventId: 1, type: 'run_end', time, data: { status: 'ok', latencyMs: 5 } },
    { agentId, source: label, eventId: 2, type: 'token', time, data: {} },
  ]);
  temp.clock.ms = NOW;
}

const count = (sql: string): number => (temp.db.sql.prepare(sql).get() as { n: number }).n;

describe('runRetention', () => {
  it('deletes only rows older than each window (audit 30 d, runs 30 d, events 7 d by default)', () => {
    seed(40, 'd40');
    seed(10, 'd10');
    seed(0, 'd0');
    const idempotency = new IdempotencyRepository(temp.db, { ttlMs: 1000 });
    idempotency.begin('expired', 'deploy', 'h');
    temp.clock.ms = NOW + 2000;
    idempotency.begin('fresh', 'deploy', 'h');

    const result = runRetention(temp.db);
    // Hourly and daily rollups outlive the minute rows (90 days): the 40-day-old ones stay.
    expect(result).toEqual({ auditLog: 1, secretAuditLog: 1, runEvents: 1, events: 2, rollups: 1, tenMinuteRollups: 1, hourlyRollups: 0, dailyRollups: 0, idempotencyKeys: 1, alertEvents: 0, notifications: 0 });
    expect(new AuditRepository(temp.db).list().map((entry) => entry.target)).toEqual(['d0', 'd10']);
    expect(new SecretAuditRepository(temp.db).list().map((entry) => entry.secretName)).toEqual(['d0', 'd10']);
    expect(temp.db.sql.prepare('SELECT source, type FROM telemetry_events ORDER BY id').all()).toEqual([
      { source: 'd10', type: 'run_end' },
      { source: 'd0', type: 'run_end' },
      { source: 'd0', type: 'token' },
    ]);
    expect(count('SELECT count(*) AS n FROM telemetry_rollups')).toBe(2);
    expect(count('SELECT count(*) AS n FROM idempotency_keys')).toBe(1);
  });

  it('deletes alert history with its deliveries and read notifications after 30 days; unread ones stay until read', () => {
    const at = (daysAgo: number): string => new Date(NOW - daysAgo * 86_400_000).toISOString();
    const sql = temp.db.sql;
    sql.prepare(`INSERT INTO alert_channels (name, kind, config_json, has_secret, created_by, created_at, updated_at) VALUES ('ops', 'webhook', '{}', 1, 'ann', ?, ?)`).run(at(60), at(60));
    const alert = sql.prepare(
      `INSERT INTO alert_events (agent_id, agent_name, rule, kind, severity, threshold, notified, title, body, data_json, created_at)
       VALUES ('a1', 'doc', 'budget_warning', 'fired', 'warning', 0.9, 1, 'Budget', 'at 90 %', '{}', ?)`,
    );
    const delivery = sql.prepare(`INSERT INTO alert_deliveries (alert_event_id, channel_id, status, attempts, created_at, finished_at) VALUES (?, 1, 'sent', 1, ?, ?)`);
    for (const daysAgo of [40, 5]) delivery.run(alert.run(at(daysAgo)).lastInsertRowid, at(daysAgo), at(daysAgo));
    delivery.run(null, at(40), at(40)); // an old test delivery
    const notification = sql.prepare(`INSERT INTO notifications (source, severity, title, body, data_json, read_at, created_at) VALUES ('alert', 'warning', ?, '', '{}', ?, ?)`);
    notification.run('old read', at(35), at(40));
    notification.run('old unread', null, at(40));
    notification.run('recent read', at(1), at(5));

    expect(runRetention(temp.db)).toMatchObject({ alertEvents: 2, notifications: 1 });
    expect(count('SELECT count(*) AS n FROM alert_events')).toBe(1);
    expect(sql.prepare('SELECT created_at FROM alert_deliveries').all()).toEqual([{ created_at: at(5) }]);
    expect(sql.prepare('SELECT title FROM notifications ORDER BY id').all()).toEqual([{ title: 'old unread' }, { title: 'recent read' }]);
    expect(runRetention(temp.db, { alertsDays: 2 })).toMatchObject({ alertEvents: 1, notifications: 1 });
  });

  it('closes the guard again, so the logs stay closed to ordinary deletes', () => {
    seed(40, 'd40');
    seed(35, 'd35');
    runRetention(temp.db, { auditDays: 38 });
    expect(count('SELECT count(*) AS n FROM audit_log')).toBe(1);
    expect(temp.db.sql.prepare('SELECT cutoff FROM retention_guard').all()).toEqual([{ cutoff: null }, { cutoff: null }]);
    expect(() => temp.db.sql.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('takes configured windows and refuses ones the database would not honour', () => {
    seed(3, 'd3');
    expect(runRetention(temp.db, { eventsDays: 2, runsDays: 2, auditDays: 2 })).toMatchObject({ auditLog: 1, secretAuditLog: 1, runEvents: 1, events: 1 });
    expect(() => runRetention(temp.db, { auditDays: 0.5 })).toThrow(expect.objectContaining({ code: 'E2050', message: expect.stringContaining('auditDays') }));
    expect(() => runRetention(temp.db, { eventsDays: 0 })).toThrow(expect.objectContaining({ code: 'E2050' }));
  });

  it('deletes nothing recent even when the clock it is given runs far ahead', () => {
    seed(0, 'd0');
    temp.clock.ms = NOW + 90 * 86_400_000;
    const result = runRetention(temp.db);
    expect(result.auditLog).toBe(0);
    expect(result.secretAuditLog).toBe(0);
    expect(count('SELECT count(*) AS n FROM audit_log')).toBe(1);
  });
});

describe('runRetention and the rollup tiers', () => {
  const HOUR = 3_600_000;
  const DAY = 86_400_000;
  const rows = (table: string, key: string): string[] => (temp.db.sql.prepare(`SELECT ${key} AS bucket FROM ${table} ORDER BY ${key}`).all() as { bucket: string }[]).map((row) => row.bucket);
  let eventId = 0;
  const ingestRunAt = (telemetry: TelemetryRepository, agentId: string, ms: number): void => {
    telemetry.ingest([{ agentId, source: 'retention', eventId: (eventId += 1), type: 'run_end', time: new Date(ms).toISOString(), data: { status: 'ok', latencyMs: 5, costUsd: 1 } }]);
  };

  it('keeps hourly and daily rollups 90 days, only whole buckets before the cutoff go, and months stay readable after the minutes have gone', () => {
    const agentId = new AgentsRepository(temp.db).create('doc').id;
    const telemetry = new TelemetryRepository(temp.db);
    const historyCutoff = NOW - 90 * DAY;
    const cutoffHour = Math.floor(historyCutoff / HOUR) * HOUR;
    const cutoffDay = Math.floor(historyCutoff / DAY) * DAY;
    ingestRunAt(telemetry, agentId, cutoffDay - 2 * DAY); // its hour and day end before the cutoff: gone
    ingestRunAt(telemetry, agentId, cutoffHour - 1); // its hour ends before the cutoff: gone (its day too, when the cutoff is in a day's first hour)
    ingestRunAt(telemetry, agentId, cutoffHour); // its hour and day straddle the cutoff: kept
    ingestRunAt(telemetry, agentId, NOW - 40 * DAY); // past the minute rows' 30 days: its hour and day stay

    const result = runRetention(temp.db);
    const daysGone = new Set([cutoffDay - 2 * DAY, Math.floor((cutoffHour - 1) / DAY) * DAY].filter((day) => day < cutoffDay)).size;
    expect(result).toMatchObject({ rollups: 4, tenMinuteRollups: 4, hourlyRollups: 2, dailyRollups: daysGone });
    expect(rows('telemetry_rollups', 'minute')).toEqual([]);
    expect(rows('telemetry_rollups_hourly', 'hour')).toEqual([new Date(cutoffHour).toISOString(), new Date(Math.floor((NOW - 40 * DAY) / HOUR) * HOUR).toISOString()]);
    expect(rows('telemetry_rollups_daily', 'day')).toEqual([new Date(cutoffDay).toISOString(), new Date(Math.floor((NOW - 40 * DAY) / DAY) * DAY).toISOString()]);
    // A whole day 40 days ago is still summarised (from its day row).
    const day40 = Math.floor((NOW - 40 * DAY) / DAY) * DAY;
    expect(telemetry.summarize(agentId, { from: new Date(day40).toISOString(), to: new Date(day40 + DAY).toISOString() })).toMatchObject({ requests: 1, costUsd: 1 });
  });

  it('never keeps hourly rollups for less time than the minute rows, which reads rely on', () => {
    const agentId = new AgentsRepository(temp.db).create('doc').id;
    const telemetry = new TelemetryRepository(temp.db);
    ingestRunAt(telemetry, agentId, NOW - 20 * DAY);
    expect(runRetention(temp.db, { rollupHistoryDays: 10 })).toMatchObject({ rollups: 0, hourlyRollups: 0, dailyRollups: 0 });
    expect(runRetention(temp.db, { rollupHistoryDays: 10, runsDays: 15 })).toMatchObject({ rollups: 1, hourlyRollups: 1, dailyRollups: 1 });
    expect(() => runRetention(temp.db, { rollupHistoryDays: 0 })).toThrow(expect.objectContaining({ code: 'E2050', message: expect.stringContaining('rollupHistoryDays') }));
  });
});

describe('scheduleRetention', () => {
  afterEach(() => vi.useRealTimers());

  it('runs at once, then on its interval until disposed, and reports failures instead of throwing', () => {
    vi.useFakeTimers();
    seed(40, 'd40');
    const results: number[] = [];
    const errors: unknown[] = [];
    const schedule = scheduleRetention(temp.db, { intervalMs: 1000, onResult: (result) => results.push(result.auditLog), onError: (error) => errors.push(error) });
    expect(results).toEqual([1]);
    vi.advanceTimersByTime(2000);
    expect(results).toEqual([1, 0, 0]);
    schedule.dispose();
    vi.advanceTimersByTime(5000);
    expect(results).toHaveLength(3);
    const failing = scheduleRetention(temp.db, { auditDays: 0, onError: (error) => errors.push(error) });
    failing.dispose();
    expect(errors).toEqual([expect.objectContaining({ code: 'E2050' })]);
  });
});

describe('retentionFromEnv', () => {
  it('reads each window from its variable and ignores unset or empty ones', () => {
    expect(retentionFromEnv({ AGENTDOCK_RETENTION_AUDIT_DAYS: '90', AGENTDOCK_RETENTION_EVENTS_DAYS: '1.5', AGENTDOCK_RETENTION_ALERTS_DAYS: '', OTHER: '3' })).toEqual({ auditDays: 90, eventsDays: 1.5 });
    expect(retentionFromEnv({ AGENTDOCK_RETENTION_RUNS_DAYS: '14', AGENTDOCK_RETENTION_ROLLUP_DAYS: '365' })).toEqual({ runsDays: 14, rollupHistoryDays: 365 });
  });

  it('names the variable and the rule when a value is not a number of days', () => {
    for (const [name, raw] of [['AGENTDOCK_RETENTION_EVENTS_DAYS', 'a week'], ['AGENTDOCK_RETENTION_RUNS_DAYS', '0'], ['AGENTDOCK_RETENTION_AUDIT_DAYS', '0.5'], ['AGENTDOCK_RETENTION_ALERTS_DAYS', '-3']] as const) {
      expect(() => retentionFromEnv({ [name]: raw })).toThrow(expect.objectContaining({ code: 'E2050', message: expect.stringContaining(`${name} must be a number of days`) }));
    }
  });
});

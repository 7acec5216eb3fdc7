// Migration 4 fills the 10-minute, hourly and daily rollups from the minute rows a version-3
// database already holds, with the same sums and histograms the ingest would have written.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from '../agents-repository';
import { MIGRATIONS } from '../migrations';
import { randomRuns, seededRandom, summaryDifferences, tierMismatches } from '../rollup-test-support';
import { TelemetryRepository } from '../telemetry-repository';
import { tempDatabase } from '../test-support';
import type { TempDatabase } from '../test-support';

const temps: TempDatabase[] = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

const COLUMNS = 'agent_id, minute, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram';

describe('migration 4 (hourly rollups)', () => {
  it('backfills every coarser tier from existing minute rows, and the ingest carries on from there', () => {
    // The minute rows a version-3 AgentDock would have written, made by the ingest of a current one.
    const source = tempDatabase();
    temps.push(source);
    const names = ['a', 'b', 'c'];
    const sourceIds = names.map((name) => new AgentsRepository(source.db).create(name).id);
    const start = Date.parse('2030-05-30T21:47:00.000Z');
    const events = randomRuns(seededRandom(3), sourceIds, 800, start, 3 * 86_400_000);
    new TelemetryRepository(source.db).ingest(events);
    const minuteRows = source.db.sql.prepare(`SELECT ${COLUMNS} FROM telemetry_rollups`).raw().all() as unknown[][];

    const old = tempDatabase({ migrations: MIGRATIONS.slice(0, 3) });
    temps.push(old);
    expect(old.db.schemaVersion()).toBe(3);
    const ids = new Map(names.map((name, index) => [sourceIds[index], new AgentsRepository(old.db).create(name).id]));
    const insert = old.db.sql.prepare(`INSERT INTO telemetry_rollups (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    old.db.write(() => {
      for (const [agentId, ...rest] of minuteRows) insert.run(ids.get(agentId as string), ...rest);
      // Rows the readers treat specially: no latencies at all, and histogram entries they skip.
      insert.run(ids.get(sourceIds[0]), '2030-06-05T10:01:00.000Z', 2, 2, 0, 0, 0, 0, null, null, '{}');
      insert.run(ids.get(sourceIds[0]), '2030-06-05T10:02:00.000Z', 3, 0, 1, 1, 0.5, 30, 1, 20, '{"3":2,"x":1,"500":4,"7":0,"40":1}');
    });

    const migrated = old.reopen({ migrations: MIGRATIONS.slice(0, 4) });
    expect(migrated.schemaVersion()).toBe(4);
    const count = (table: string): number => (migrated.sql.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('telemetry_rollups_hourly')).toBeGreaterThan(50);
    // 3 agents × the 4 days the 3-day span touches, plus agent a's 5 June.
    expect(count('telemetry_rollups_daily')).toBe(3 * 4 + 1);
    expect(tierMismatches(migrated)).toEqual([]);
    expect(migrated.sql.prepare("SELECT latency_histogram FROM telemetry_rollups_hourly WHERE hour = '2030-06-05T10:00:00.000Z'").get()).toEqual({ latency_histogram: '{"3":2,"40":1}' });

    // Windows read through the backfilled tiers give what the minute rows give.
    const tiers = new TelemetryRepository(migrated);
    const minutes = new TelemetryRepository(migrated, { rollupSource: 'minutes' });
    for (const window of [
      { from: '2030-05-30T00:00:00.000Z', to: '2030-06-06T00:00:00.000Z' },
      { from: '2030-05-31T03:27:00.000Z', to: '2030-06-02T19:03:10.000Z' },
      { from: '2030-06-05T10:00:00.000Z', to: '2030-06-05T11:00:00.000Z' },
    ]) {
      const fleet = tiers.summarizeFleet(window);
      const reference = minutes.summarizeFleet(window);
      expect([...fleet.keys()]).toEqual([...reference.keys()]);
      for (const [agentId, summary] of reference) expect(summaryDifferences(fleet.get(agentId), summary), window.from).toEqual([]);
    }

    // New events land in the backfilled rows (same buckets), not beside them.
    const more = randomRuns(seededRandom(4), [...ids.values()], 300, start, 3 * 86_400_000).map((event) => ({ ...event, source: `after-${event.source}` }));
    tiers.ingest(more);
    expect(tierMismatches(migrated)).toEqual([]);
  });

  it('refuses hour and day keys that are not bucket starts', () => {
    const temp = tempDatabase();
    temps.push(temp);
    const agentId = new AgentsRepository(temp.db).create('a').id;
    const insert = (table: string, key: string, value: string) => () => temp.db.sql.prepare(`INSERT INTO ${table} (agent_id, ${key}) VALUES (?, ?)`).run(agentId, value);
    expect(insert('telemetry_rollups_hourly', 'hour', '2030-01-01T10:30:00.000Z')).toThrow(/CHECK/);
    expect(insert('telemetry_rollups_daily', 'day', '2030-01-01T10:00:00.000Z')).toThrow(/CHECK/);
    expect(insert('telemetry_rollups_10min', 'minute', '2030-01-01T10:05:00.000Z')).toThrow(/CHECK/);
    expect(insert('telemetry_rollups_hourly', 'hour', '2030-01-01 10:00:00')).toThrow(/CHECK/);
    insert('telemetry_rollups_hourly', 'hour', '2030-01-01T10:00:00.000Z')();
    insert('telemetry_rollups_daily', 'day', '2030-01-01T00:00:00.000Z')();
    insert('telemetry_rollups_10min', 'minute', '2030-01-01T10:50:00.000Z')();
  });
});

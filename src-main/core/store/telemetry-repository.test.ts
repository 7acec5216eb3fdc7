import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from './agents-repository';
import { randomRuns, seededRandom, summaryDifferences, tierMismatches } from './rollup-test-support';
import { TelemetryRepository } from './telemetry-repository';
import type { IngestEvent } from './telemetry-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase;
let telemetry: TelemetryRepository;
let agentId: string;
const T0 = Date.parse('2030-03-01T12:00:00.000Z');

beforeEach(() => {
  temp = tempDatabase({}, T0);
  telemetry = new TelemetryRepository(temp.db);
  agentId = new AgentsRepository(temp.db).create('doc').id;
});
afterEach(() => temp.cleanup());

let nextId = 0;
const run = (offsetMs: number, latencyMs: number, status: 'ok' | 'error' = 'ok', extra: Partial<IngestEvent> = {}): IngestEvent => ({
  agentId,
  deploymentId: 'dep_1',
  source: 'dep_1/r0@1',
  eventId: (nextId += 1),
  type: 'run_end',
  traceId: `t${nextId}`,
  time: new Date(T0 + offsetMs).toISOString(),
  data: { endpoint: '/invoke', status, latencyMs, tokensIn: 100, tokensOut: 20, costUsd: 0.0005 },
  ...extra,
});

describe('TelemetryRepository', () => {
  it('stores a batch and rolls run_end events up per minute', () => {
    const batch = [run(0, 10), run(1000, 20), run(2000, 400, 'error'), { ...run(3000, 0), type: 'token', data: { n: 1 } }, run(61_000, 30)];
    expect(telemetry.ingest(batch)).toEqual({ inserted: 5, duplicates: 0 });
    const series = telemetry.seriesBy(agentId, { from: new Date(T0).toISOString(), to: new Date(T0 + 120_000).toISOString() }, 'minute');
    expect(series.map((point) => [point.start, point.requests, point.errors, point.tokensIn, point.tokensOut])).toEqual([
      ['2030-03-01T12:00:00.000Z', 3, 1, 300, 60],
      ['2030-03-01T12:01:00.000Z', 1, 0, 100, 20],
    ]);
    expect(series[0]!.costUsd).toBeCloseTo(0.0015, 12);
    expect(telemetry.events(agentId, { types: ['token'] }).map((event) => event.data)).toEqual([{ n: 1 }]);
  });

  it('filters events by data fields in SQL, and refuses a field name that is not plain', () => {
    telemetry.ingest([
      { ...run(0, 0), type: 'budget', data: { level: 'warning', percent: 90 } },
      { ...run(1000, 0), type: 'budget', data: { level: 'blocked', percent: 100 } },
      { ...run(2000, 0), type: 'budget', data: { level: 'blocked', percent: 100 } },
    ]);
    const blocked = telemetry.events(agentId, { types: ['budget'], data: { level: 'blocked' } });
    expect(blocked.map((event) => event.time)).toEqual([new Date(T0 + 1000).toISOString(), new Date(T0 + 2000).toISOString()]);
    expect(telemetry.events(agentId, { types: ['budget'], data: { level: 'blocked', percent: 90 } })).toEqual([]);
    expect(() => telemetry.events(agentId, { data: { "level') OR 1=1 --": 'x' } })).toThrow(RangeError);
  });

  it('does not count events twice when a stream resumes and re-sends them', () => {
    const batch = [run(0, 10), run(500, 12)];
    telemetry.ingest(batch);
    expect(telemetry.ingest([...batch, run(900, 14)])).toEqual({ inserted: 1, duplicates: 2 });
    // The same event id from another runtime process is a different event.
    expect(telemetry.ingest([{ ...batch[0]!, source: 'dep_1/r1@1' }])).toEqual({ inserted: 1, duplicates: 0 });
    const summary = telemetry.summarize(agentId, { from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString() });
    expect(summary.requests).toBe(4);
  });

  it('summarises throughput, error rate, spend and percentiles over a window', () => {
    const events: IngestEvent[] = [];
    // 100 runs over 10 minutes: latency 1…100 ms, every 10th an error.
    for (let index = 1; index <= 100; index += 1) events.push(run(index * 6000 - 1, index, index % 10 === 0 ? 'error' : 'ok'));
    telemetry.ingest(events);
    const window = { from: new Date(T0).toISOString(), to: new Date(T0 + 600_000).toISOString() };
    const summary = telemetry.summarize(agentId, window);
    expect(summary).toMatchObject({ requests: 100, errors: 10, errorRate: 0.1, tokensIn: 10_000, tokensOut: 2000 });
    expect(summary.throughputPerSecond).toBeCloseTo(100 / 600, 10);
    expect(summary.costUsd).toBeCloseTo(0.05, 10);
    expect(summary.meanLatencyMs).toBeCloseTo(50.5, 10);
    expect(Math.abs(summary.p50Ms! - 50) / 50).toBeLessThan(0.045);
    expect(Math.abs(summary.p95Ms! - 95) / 95).toBeLessThan(0.045);
    expect(Math.abs(summary.p99Ms! - 99) / 99).toBeLessThan(0.045);
    const fleet = telemetry.summarizeFleet(window);
    expect([...fleet.keys()]).toEqual([agentId]);
    expect(fleet.get(agentId)).toEqual(summary);
    const empty = telemetry.summarize(agentId, { from: new Date(T0 + 3_600_000).toISOString(), to: new Date(T0 + 7_200_000).toISOString() });
    expect(empty).toMatchObject({ requests: 0, errorRate: null, p50Ms: null, costUsd: 0 });
  });

  it('knows the last stored event of each runtime process (where an SSE resume starts)', () => {
    expect(telemetry.lastEvent('dep_1/r0@1')).toBeUndefined();
    const first = run(0, 10);
    const second = run(5000, 10);
    telemetry.ingest([second, first, { ...run(0, 10), source: 'dep_1/r1@1', eventId: 99 }]);
    expect(telemetry.lastEvent('dep_1/r0@1')).toEqual({ eventId: second.eventId, time: second.time });
    expect(telemetry.lastEvent('dep_1/r1@1')).toEqual({ eventId: 99, time: first.time });
  });

  it('merges minutes into hours, and the fleet summary of several agents equals each one summarised alone', () => {
    const other = new AgentsRepository(temp.db).create('other').id;
    const events: IngestEvent[] = [];
    for (let index = 0; index < 120; index += 1) events.push(run(index * 60_000, 5 + index, index % 4 === 0 ? 'error' : 'ok'));
    for (let index = 0; index < 30; index += 1) events.push(run(index * 120_000, 50, 'ok', { agentId: other, source: 'dep_2/r0@1' }));
    telemetry.ingest(events);
    const window = { from: new Date(T0).toISOString(), to: new Date(T0 + 7_200_000).toISOString() };
    const hours = telemetry.seriesBy(agentId, window, 'hour');
    expect(hours.map((point) => [point.start, point.requests, point.errors])).toEqual([
      ['2030-03-01T12:00:00.000Z', 60, 15],
      ['2030-03-01T13:00:00.000Z', 60, 15],
    ]);
    const firstHour = telemetry.summarize(agentId, { from: window.from, to: new Date(T0 + 3_600_000).toISOString() });
    expect(hours[0]).toMatchObject({ p50Ms: firstHour.p50Ms, p99Ms: firstHour.p99Ms, meanLatencyMs: firstHour.meanLatencyMs });
    expect(telemetry.seriesBy(agentId, window, 'minute')).toHaveLength(120);
    const fleet = telemetry.summarizeFleet(window);
    expect([...fleet.keys()].sort()).toEqual([agentId, other].sort());
    expect(fleet.get(agentId)).toEqual(telemetry.summarize(agentId, window));
    expect(fleet.get(other)).toEqual(telemetry.summarize(other, window));
    expect(fleet.get(other)).toMatchObject({ requests: 30, errors: 0, p50Ms: expect.closeTo(50, 2) });
  });

  it('rolls a whole batch back if one event is refused', () => {
    expect(() => telemetry.ingest([run(0, 10), { ...run(0, 10), agentId: 'ag_unknown' }])).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }));
    expect(telemetry.events(agentId)).toEqual([]);
    expect(telemetry.seriesBy(agentId, { from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString() }, 'minute')).toEqual([]);
  });

  it('replaces an unreadable event time with the ingest time', () => {
    telemetry.ingest([{ ...run(0, 10), time: 'yesterday' }]);
    expect(telemetry.events(agentId)[0]?.time).toBe(temp.db.now());
  });
});

describe('TelemetryRepository rollup tiers (10-minute, hour, day)', () => {
  const MINUTE = 60_000;
  const HOUR = 3_600_000;
  const DAY = 86_400_000;

  /** Windows of every kind: unaligned, on 10-minute / hour / day boundaries, tiny, past the data. */
  function randomWindow(random: () => number, startMs: number, spanMs: number): { from: string; to: string } {
    const kind = Math.floor(random() * 6);
    const align = [1, MINUTE, 10 * MINUTE, HOUR, DAY, 1][kind] as number;
    const at = (ms: number): number => Math.floor(ms / align) * align;
    let from = at(startMs - HOUR + random() * (spanMs + 2 * HOUR));
    let to = kind === 5 ? from + Math.floor(random() * 3 * MINUTE) + 1 : at(from + random() * (spanMs + HOUR));
    if (to <= from) to = from + align;
    if (kind === 4 && random() < 0.5) [from, to] = [at(startMs), at(startMs) + 3 * DAY];
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }

  it('gives the same summaries, fleet summaries and hourly series as the minute rows alone, for random events and windows', () => {
    const minutes = new TelemetryRepository(temp.db, { rollupSource: 'minutes' });
    const agents = new AgentsRepository(temp.db);
    const ids = [agentId, agents.create('b').id, agents.create('c').id];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      temp.db.sql.exec('DELETE FROM telemetry_events; DELETE FROM telemetry_rollups; DELETE FROM telemetry_rollups_10min; DELETE FROM telemetry_rollups_hourly; DELETE FROM telemetry_rollups_daily;');
      const random = seededRandom(seed);
      // 2.5 days from an instant on no boundary, so every tier has whole and partial buckets.
      const start = Date.parse('2030-03-01T07:13:27.000Z') + Math.floor(random() * DAY);
      const span = 2.5 * DAY;
      const events = randomRuns(random, ids, 700, start, span);
      for (let offset = 0; offset < events.length; ) {
        const size = 1 + Math.floor(random() * 120);
        // A resumed stream re-sends part of the previous batch: it must not count twice in any tier.
        const resent = events.slice(Math.max(0, offset - Math.floor(random() * 10)), offset);
        telemetry.ingest([...resent, ...events.slice(offset, offset + size)]);
        offset += size;
      }
      expect(tierMismatches(temp.db)).toEqual([]);
      for (let round = 0; round < 40; round += 1) {
        const window = randomWindow(random, start, span);
        const context = `seed ${seed}, window ${window.from} … ${window.to}`;
        const fleet = telemetry.summarizeFleet(window);
        const reference = minutes.summarizeFleet(window);
        expect([...fleet.keys()], context).toEqual([...reference.keys()]);
        for (const id of ids) {
          expect(summaryDifferences(fleet.get(id), reference.get(id)), context).toEqual([]);
          const alone = telemetry.summarize(id, window);
          expect(summaryDifferences(alone, minutes.summarize(id, window)), context).toEqual([]);
          if (reference.has(id)) expect(summaryDifferences(alone, reference.get(id)), context).toEqual([]);
        }
        const hours = telemetry.seriesBy(ids[0]!, window, 'hour');
        const referenceHours = minutes.seriesBy(ids[0]!, window, 'hour');
        expect(hours.map((point) => point.start), context).toEqual(referenceHours.map((point) => point.start));
        hours.forEach((point, index) => {
          const other = referenceHours[index]!;
          expect({ ...point, costUsd: 0, meanLatencyMs: 0 }, context).toEqual({ ...other, costUsd: 0, meanLatencyMs: 0 });
          expect(point.costUsd).toBeCloseTo(other.costUsd, 12);
        });
      }
    }
  });

  it('reads a month from a few rows per agent: day rows for whole days, finer rows only at the edges', () => {
    // One run at 00:00:30 of each day of March, and one in the last partial hour of the window.
    const events: IngestEvent[] = [];
    for (let day = 0; day < 31; day += 1) events.push(run(Date.parse('2030-03-01T00:00:30.000Z') - T0 + day * DAY, 10 + day));
    events.push(run(Date.parse('2030-03-31T23:41:00.000Z') - T0, 500));
    telemetry.ingest(events);
    const count = (table: string): number => (temp.db.sql.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('telemetry_rollups'), count('telemetry_rollups_10min'), count('telemetry_rollups_hourly'), count('telemetry_rollups_daily')]).toEqual([32, 32, 32, 31]);
    // Prove the month is read from the day rows: change a day row and the summary follows.
    temp.db.sql.prepare("UPDATE telemetry_rollups_daily SET requests = requests + 1000 WHERE day = '2030-03-02T00:00:00.000Z'").run();
    const month = telemetry.summarize(agentId, { from: '2030-03-01T00:00:00.000Z', to: '2030-03-31T23:45:00.000Z' });
    expect(month.requests).toBe(32 + 1000);
    // The last day is partial: its hours, 10-minute spans and minutes, not its day row.
    temp.db.sql.prepare("UPDATE telemetry_rollups_daily SET requests = requests + 1000 WHERE day = '2030-03-31T00:00:00.000Z'").run();
    expect(telemetry.summarize(agentId, { from: '2030-03-01T00:00:00.000Z', to: '2030-03-31T23:45:00.000Z' }).requests).toBe(32 + 1000);
  });
});

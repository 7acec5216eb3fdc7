import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from './agents-repository';
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
    const series = telemetry.series(agentId, { from: new Date(T0).toISOString(), to: new Date(T0 + 120_000).toISOString() });
    expect(series.map((point) => [point.minute, point.requests, point.errors, point.tokensIn, point.tokensOut])).toEqual([
      ['2030-03-01T12:00:00.000Z', 3, 1, 300, 60],
      ['2030-03-01T12:01:00.000Z', 1, 0, 100, 20],
    ]);
    expect(series[0]!.costUsd).toBeCloseTo(0.0015, 12);
    expect(telemetry.events(agentId, { types: ['token'] }).map((event) => event.data)).toEqual([{ n: 1 }]);
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

  it('rolls a whole batch back if one event is refused', () => {
    expect(() => telemetry.ingest([run(0, 10), { ...run(0, 10), agentId: 'ag_unknown' }])).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }));
    expect(telemetry.events(agentId)).toEqual([]);
    expect(telemetry.series(agentId, { from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString() })).toEqual([]);
  });

  it('replaces an unreadable event time with the ingest time', () => {
    telemetry.ingest([{ ...run(0, 10), time: 'yesterday' }]);
    expect(telemetry.events(agentId)[0]?.time).toBe(temp.db.now());
  });
});

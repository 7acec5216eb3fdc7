/**
 * Telemetry figures for `npm run bench:control-plane`, each against a baseline measured in the
 * same run, on a real SQLite file:
 *
 * 1. Ingest: realistic runs (run_start, llm_call, policy, run_end per request, 100 agents) stored
 *    through `telemetry.ingest` in batches of 500 — dedupe on (source, event_id) plus rollups per
 *    minute, 10 minutes, hour and day with latency histograms — vs plain INSERTs of the same rows
 *    in the same batches.
 * 2. Fleet summary: 1,000 agents with a day of per-minute rollups (1.44 M rows) written at schema
 *    version 3, then migration 4 (its backfill of the coarser tiers is timed), then the rest of
 *    the month as hour and day rows. The fleet metrics (`fleetMetrics`: one agents query + the
 *    rollup queries) for windows aligned and not aligned to hours, each vs the old read of every
 *    minute row in the window (`legacySummarizeFleet`, the code before migration 4); the month to
 *    date, whose minute rows would be 43 M, vs the old read of a single day. One more row splits
 *    the gain: today's read code restricted to minute rows (`rollupSource: 'minutes'`).
 *
 * BENCH_TELEMETRY_EVENTS (default 100,000) and BENCH_FLEET_AGENTS (default 1,000) scale it down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AgentsRepository, createRepositories, HISTOGRAM_LAST_BUCKET, LatencyHistogram, MIGRATIONS, openDatabase, TelemetryRepository } from '../src-main/core/store';
import type { IngestEvent, Migration, Repositories, StoreDatabase, TelemetrySummary } from '../src-main/core/store';
import { fleetMetrics } from '../src-main/core/telemetry/fleet-metrics';

interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
}

const EVENTS = Number(process.env.BENCH_TELEMETRY_EVENTS ?? 100_000);
const FLEET_AGENTS = Number(process.env.BENCH_FLEET_AGENTS ?? 1000);
const BATCH = 500;
// The last day of a month, so the month to date is 30 days before it and the day itself.
const DAY_START = Date.parse('2030-01-31T00:00:00.000Z');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** A database in a new temp dir (or another connection to `file`), migrated by `migrations`. */
function openTemp(migrations: readonly Migration[] = MIGRATIONS, file?: string): { db: StoreDatabase; file: string; repositories: Repositories; cleanup(): void } {
  const dir = file ? undefined : mkdtempSync(path.join(tmpdir(), 'agentdock-bench-telemetry-'));
  const dbFile = file ?? path.join(dir!, 'agentdock.db');
  const db = openDatabase(dbFile, { migrations });
  let repositories: Repositories | undefined;
  return {
    db,
    file: dbFile,
    // Built on first use: the telemetry repository needs the current schema, a version-3 database has only agents to offer.
    get repositories() {
      return (repositories ??= createRepositories(db));
    },
    cleanup: () => {
      db.sql.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Four events per request, as a runtime emits them, spread over agents, replicas and minutes. */
function realisticEvents(agentIds: readonly string[], count: number): IngestEvent[] {
  const events: IngestEvent[] = [];
  const nextId = new Map<string, number>();
  for (let run = 0; events.length < count; run++) {
    const agentId = agentIds[run % agentIds.length] as string;
    const source = `dep_${agentId}/replica-${run % 2}@2030-01-01T00:00:00.000Z`;
    const time = new Date(DAY_START + run * 50).toISOString();
    const traceId = `trace-${run}`;
    const latencyMs = 40 + ((run * 37) % 900);
    const id = (): number => {
      const value = (nextId.get(source) ?? 0) + 1;
      nextId.set(source, value);
      return value;
    };
    const base = { agentId, deploymentId: `dep_${agentId}`, source, traceId, time };
    events.push({ ...base, eventId: id(), type: 'run_start', data: { endpoint: '/invoke', role: 'developer', subject: 'key-1' } });
    events.push({ ...base, eventId: id(), type: 'llm_call', data: { provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 420, outputTokens: 96 }, costUsd: 0.0001206, latencyMs: latencyMs - 20, stream: false, simulated: true, status: 'ok', priceKey: 'gpt-4o-mini' } });
    events.push({ ...base, eventId: id(), type: 'policy', data: { stage: 'pre_invoke', rule: 'pii', action: 'redacted', count: 1, durationMs: 0.12 } });
    events.push({ ...base, eventId: id(), type: 'run_end', data: { endpoint: '/invoke', status: run % 50 === 0 ? 'error' : 'ok', latencyMs, tokensIn: 420, tokensOut: 96, costUsd: 0.0001206, llmCalls: 1, role: 'developer' } });
  }
  return events.slice(0, count);
}

function benchIngest(): Row[] {
  const store = openTemp();
  const plain = openTemp();
  try {
    const agentIds = Array.from({ length: 100 }, (_, index) => store.repositories.agents.create(`agent-${index}`).id);
    for (let index = 0; index < 100; index++) plain.repositories.agents.create(`agent-${index}`);
    const plainIds = plain.repositories.agents.list().map((agent) => agent.id);
    const events = realisticEvents(agentIds, EVENTS);
    const mapAgent = new Map(agentIds.map((id, index) => [id, plainIds[index] as string]));

    let started = performance.now();
    for (let offset = 0; offset < events.length; offset += BATCH) store.repositories.telemetry.ingest(events.slice(offset, offset + BATCH));
    const ingestSeconds = (performance.now() - started) / 1000;

    const insert = plain.db.sql.prepare('INSERT INTO telemetry_events (agent_id, deployment_id, source, event_id, type, trace_id, time, data_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    started = performance.now();
    for (let offset = 0; offset < events.length; offset += BATCH) {
      const batch = events.slice(offset, offset + BATCH);
      plain.db.write(() => {
        for (const event of batch) insert.run(mapAgent.get(event.agentId), event.deploymentId ?? null, event.source, event.eventId, event.type, event.traceId ?? null, event.time, JSON.stringify(event.data));
      });
    }
    const plainSeconds = (performance.now() - started) / 1000;
    return [{ name: `telemetry ingest (${EVENTS.toLocaleString('en')} events, batches of ${BATCH}, dedupe + minute/10-minute/hour/day rollups)`, value: Math.round(EVENTS / ingestSeconds), unit: 'events/s', baseline: { name: 'plain INSERTs of the same rows', value: Math.round(EVENTS / plainSeconds) } }];
  } finally {
    store.cleanup();
    plain.cleanup();
  }
}

/** Writes a day of per-minute rollups for `agents` agents straight into telemetry_rollups (ids returned). */
function fillDay(store: ReturnType<typeof openTemp>, agents: number): string[] {
  const agentsRepository = new AgentsRepository(store.db);
  const ids = Array.from({ length: agents }, (_, index) => agentsRepository.create(`fleet-agent-${index}`).id);
  const insert = store.db.sql.prepare(
    'INSERT INTO telemetry_rollups (agent_id, minute, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // 97 distinct minute shapes (10 runs each, 20–220 ms), so histograms are realistic, not identical.
  const shapes = Array.from({ length: 97 }, (_, shape) => {
    const histogram = new LatencyHistogram();
    for (let run = 0; run < 10; run++) histogram.record(20 + ((shape * 7 + run * 13) % 200));
    return { json: JSON.stringify(histogram.toJSON()), min: histogram.min ?? null, max: histogram.max ?? null };
  });
  for (const id of ids) {
    store.db.write(() => {
      for (let minute = 0; minute < 1440; minute++) {
        const shape = shapes[minute % shapes.length]!;
        insert.run(id, new Date(DAY_START + minute * 60_000).toISOString(), 10, minute % 20 === 0 ? 1 : 0, 4200, 960, 0.001206, 1200, shape.min, shape.max, shape.json);
      }
    });
  }
  return ids;
}

/**
 * The fleet read before migration 4, verbatim in effect (TelemetryRepository.summarizeFleet as
 * it was): one query over every minute row in the window, a JSON.parse per row into a dense
 * histogram, LatencyHistogram for the percentiles. Kept here as the "before" of the figures.
 */
function legacySummarizeFleet(db: StoreDatabase, window: { from: string; to: string }): Map<string, TelemetrySummary> {
  const minuteFloor = (iso: string): string => new Date(Math.floor(Date.parse(iso) / 60_000) * 60_000).toISOString();
  const rows = db.sql
    .prepare('SELECT agent_id, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram FROM telemetry_rollups WHERE agent_id IN (SELECT id FROM agents) AND minute >= ? AND minute < ?')
    .raw()
    .iterate(minuteFloor(window.from), window.to) as Iterable<[string, number, number, number, number, number, number, number | null, number | null, string]>;
  const totals = new Map<string, { sums: number[]; min?: number; max?: number; counts: Float64Array }>();
  for (const [agentId, ...row] of rows) {
    let total = totals.get(agentId);
    if (!total) totals.set(agentId, (total = { sums: [0, 0, 0, 0, 0, 0], counts: new Float64Array(HISTOGRAM_LAST_BUCKET + 1) }));
    for (let column = 0; column < 6; column++) total.sums[column] = total.sums[column]! + (row[column] as number);
    if (row[6] !== null) total.min = total.min === undefined ? row[6] : Math.min(total.min, row[6]);
    if (row[7] !== null) total.max = total.max === undefined ? row[7] : Math.max(total.max, row[7]);
    const stored = JSON.parse(row[8]) as Record<string, number>;
    for (const bucket in stored) total.counts[Number(bucket)] = total.counts[Number(bucket)]! + stored[bucket]!;
  }
  const seconds = Math.max(1, (Date.parse(window.to) - Date.parse(window.from)) / 1000);
  return new Map(
    [...totals].map(([agentId, { sums, min, max, counts }]) => {
      const sparse: Record<string, number> = {};
      counts.forEach((count, bucket) => {
        if (count > 0) sparse[bucket] = count;
      });
      const histogram = LatencyHistogram.fromStored(sparse, min, max);
      const [requests = 0, errors = 0, tokensIn = 0, tokensOut = 0, costUsd = 0, latencySumMs = 0] = sums;
      return [agentId, { from: window.from, to: window.to, requests, errors, errorRate: requests ? errors / requests : null, throughputPerSecond: requests / seconds, p50Ms: histogram.quantile(0.5) ?? null, p95Ms: histogram.quantile(0.95) ?? null, p99Ms: histogram.quantile(0.99) ?? null, meanLatencyMs: requests ? latencySumMs / requests : null, tokensIn, tokensOut, costUsd }];
    }),
  );
}

/** Copies the day's hour and day rows to the 30 days before it: the rest of the month, as the ingest would have left it. */
function fillMonthBefore(db: StoreDatabase): void {
  const iso = "strftime('%Y-%m-%dT%H:%M:%fZ', {key}, '-' || back.days || ' days')";
  for (const [table, key] of [['telemetry_rollups_hourly', 'hour'], ['telemetry_rollups_daily', 'day']] as const) {
    db.write(() =>
      db.sql.exec(`WITH RECURSIVE back(days) AS (SELECT 1 UNION ALL SELECT days + 1 FROM back WHERE days < 30)
        INSERT INTO ${table} (agent_id, ${key}, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram)
        SELECT agent_id, ${iso.replace('{key}', key)}, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram
        FROM ${table}, back`),
    );
  }
}

function benchFleet(): Row[] {
  // The day of minute rows is written at schema version 3 and migrated to 4, so the hourly and daily rows are the migration's backfill.
  const store = openTemp(MIGRATIONS.slice(0, 3));
  let migrated: ReturnType<typeof openTemp> | undefined;
  try {
    fillDay(store, FLEET_AGENTS);
    let started = performance.now();
    migrated = openTemp(MIGRATIONS, store.file);
    const backfillMs = performance.now() - started;
    fillMonthBefore(migrated.db);
    migrated.db.checkpoint();
    const tiers = migrated.repositories;
    // Before: the old read of every minute row in the window. Also today's read code restricted to minute rows, to show what the tiers add.
    const db = migrated.db;
    const legacy = { ...tiers, telemetry: { summarizeFleet: (window: { from: string; to: string }) => legacySummarizeFleet(db, window) } as unknown as TelemetryRepository };
    const minutes: Repositories = { ...tiers, telemetry: new TelemetryRepository(migrated.db, { rollupSource: 'minutes' }) };
    const ids = tiers.agents.list().map((agent) => agent.id);
    const dayEnd = DAY_START + 86_400_000;
    const at = (ms: number): string => new Date(ms).toISOString();
    const minute = 60_000;
    const hour = 3_600_000;
    // Per agent: one hour row.
    const lastHour = { from: at(dayEnd - hour), to: at(dayEnd) };
    // "The last hour" as a panel asks for it, up to now: 3 + 7 minute rows and 5 10-minute rows.
    const slidingHour = { from: at(DAY_START + 12 * hour + 17 * minute), to: at(DAY_START + 13 * hour + 17 * minute) };
    // One day row.
    const wholeDay = { from: at(DAY_START), to: at(dayEnd) };
    // Off every boundary: 3 + 3 minute rows, 4 + 4 10-minute rows, 22 hour rows.
    const unaligned = { from: at(DAY_START + 17 * minute), to: at(dayEnd - 17 * minute) };
    // The month to 23:43 on its last day: 30 day rows, 23 hour rows, 4 10-minute rows, 3 minute rows.
    const monthToDate = { from: at(DAY_START - 30 * 86_400_000), to: at(dayEnd - 17 * minute) };
    const time = (work: () => unknown, runs = 5): number => median(Array.from({ length: runs }, () => {
      started = performance.now();
      work();
      return performance.now() - started;
    }));
    const fleet = (repositories: Repositories, window: { from: string; to: string }) => () => {
      const metrics = fleetMetrics(repositories, window, () => undefined, { now: dayEnd });
      if (metrics.length !== FLEET_AGENTS || metrics.some((agent) => agent.requests === 0)) throw new Error(`fleet metrics returned ${metrics.length} agents, some without requests`);
    };
    const check = (window: { from: string; to: string }): void => {
      const a = tiers.telemetry.summarizeFleet(window).get(ids[0]!);
      for (const other of [minutes.telemetry.summarizeFleet(window).get(ids[0]!), legacySummarizeFleet(db, window).get(ids[0]!)]) {
        if (a?.requests !== other?.requests || a?.p50Ms !== other?.p50Ms || a?.p99Ms !== other?.p99Ms) throw new Error(`the reads disagree over ${window.from}…${window.to}`);
      }
    };
    [lastHour, slidingHour, wholeDay, unaligned].forEach(check);
    const dayLegacy = time(fleet(legacy, wholeDay), 3);
    const label = `${FLEET_AGENTS.toLocaleString('en')} agents`;
    const minutesOf = (window: { from: string; to: string }): string => `old read of every minute row (${Math.round((FLEET_AGENTS * (Date.parse(window.to) - Date.parse(window.from))) / 60_000).toLocaleString('en')} rows)`;
    const against = (window: { from: string; to: string }, runs = 3): { name: string; value: number } => ({ name: minutesOf(window), value: round(time(fleet(legacy, window), runs)) });
    return [
      { name: `migration 4: backfill 10-minute, hourly and daily rollups from ${(FLEET_AGENTS * 1440).toLocaleString('en')} minute rows`, value: Math.round(backfillMs), unit: 'ms' },
      { name: `fleet summary, ${label}, last hour 23:00–24:00`, value: round(time(fleet(tiers, lastHour))), unit: 'ms', baseline: against(lastHour, 5) },
      { name: `fleet summary, ${label}, sliding hour 12:17–13:17`, value: round(time(fleet(tiers, slidingHour))), unit: 'ms', baseline: against(slidingHour, 5) },
      { name: `fleet summary, ${label}, whole day 00:00–24:00`, value: round(time(fleet(tiers, wholeDay))), unit: 'ms', baseline: { name: minutesOf(wholeDay), value: round(dayLegacy) } },
      { name: `  the same from minute rows only, with today's read (grouped in SQL, no JSON.parse)`, value: round(time(fleet(minutes, wholeDay), 3)), unit: 'ms', baseline: { name: minutesOf(wholeDay), value: round(dayLegacy) } },
      { name: `fleet summary, ${label}, 00:17–23:43 (no edge on a boundary)`, value: round(time(fleet(tiers, unaligned))), unit: 'ms', baseline: against(unaligned) },
      // A month of minute rows (43 M) is too many to write here; the baseline is one day of them.
      { name: `fleet summary, ${label}, month to date (31 days to 23:43)`, value: round(time(fleet(tiers, monthToDate))), unit: 'ms', baseline: { name: 'old read of ONE whole day (above)', value: round(dayLegacy) } },
      { name: `${label} × summarize(one agent), month to date (budget alerts)`, value: round(time(() => ids.forEach((id) => tiers.telemetry.summarize(id, monthToDate)), 3)), unit: 'ms' },
    ];
  } finally {
    migrated?.cleanup();
    store.cleanup();
  }
}

/** Milliseconds to one decimal. */
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The telemetry rows of the control-plane bench. */
export async function benchTelemetry(): Promise<Row[]> {
  return [...benchIngest(), ...benchFleet()];
}

// Run alone: `npx tsx bench/control-plane-telemetry.ts`.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const row of await benchTelemetry()) {
    const ratio = row.baseline ? `  (baseline ${row.baseline.name}: ${row.baseline.value} ${row.unit}, ×${(row.value / row.baseline.value).toFixed(2)})` : '';
    console.log(`${row.name}: ${row.value} ${row.unit}${ratio}`);
  }
}

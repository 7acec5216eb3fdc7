/**
 * Telemetry from the runtimes' `/events` streams: raw events (kept 7 days, runs 30) and
 * per-agent, per-minute rollups that panels and metrics read. A batch is one transaction: events
 * that were already stored (an SSE resume re-sends them) are skipped and not counted again, and
 * the rollups grow only by the `run_end` events that were new.
 */
import type { Statement } from 'better-sqlite3';
import { toIso } from './clock';
import type { StoreDatabase } from './database';
import { LatencyHistogram } from './latency-histogram';

/** One event as the ingest receives it from a runtime (runtime/contracts.ts TelemetryEvent, plus where it came from). */
export interface IngestEvent {
  agentId: string;
  deploymentId?: string;
  /** The runtime process the event came from (replica and start time): ids restart with a process. */
  source: string;
  /** The runtime's event id (SSE `id:`), unique within `source`. */
  eventId: number;
  type: string;
  traceId?: string;
  /** ISO-8601; an unreadable time is replaced by the ingest time. */
  time: string;
  data: Record<string, unknown>;
}

export interface StoredTelemetryEvent extends IngestEvent {
  /** The database's sequence number. */
  id: number;
}

/** Totals and percentiles over a window. */
export interface TelemetrySummary {
  from: string;
  to: string;
  requests: number;
  errors: number;
  /** errors / requests, or null without requests. */
  errorRate: number | null;
  /** Requests per second over the whole window. */
  throughputPerSecond: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanLatencyMs: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** One minute of one agent. */
export interface RollupPoint {
  minute: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

interface RollupRow {
  agent_id: string;
  minute: string;
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  latency_sum_ms: number;
  latency_min_ms: number | null;
  latency_max_ms: number | null;
  latency_histogram: string;
}

interface EventRow {
  id: number;
  agent_id: string;
  deployment_id: string | null;
  source: string;
  event_id: number;
  type: string;
  trace_id: string | null;
  time: string;
  data_json: string;
}

/** Accumulates one (agent, minute) while a batch is ingested. */
interface Accumulator {
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  latencySumMs: number;
  histogram: LatencyHistogram;
}

const MINUTE_MS = 60_000;

/** Stores events and rollups and answers the panels' questions. */
export class TelemetryRepository {
  // Prepared once: ingest is the hottest write path in the console.
  private readonly insertEvent: Statement;
  private readonly selectRollup: Statement;
  private readonly upsertRollup: Statement;

  constructor(private readonly db: StoreDatabase) {
    this.insertEvent = db.sql.prepare(
      `INSERT INTO telemetry_events (agent_id, deployment_id, source, event_id, type, trace_id, time, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_id) DO NOTHING`,
    );
    this.selectRollup = db.sql.prepare('SELECT * FROM telemetry_rollups WHERE agent_id = ? AND minute = ?');
    this.upsertRollup = db.sql.prepare(
      `INSERT INTO telemetry_rollups (agent_id, minute, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram)
       VALUES (@agent_id, @minute, @requests, @errors, @tokens_in, @tokens_out, @cost_usd, @latency_sum_ms, @latency_min_ms, @latency_max_ms, @latency_histogram)
       ON CONFLICT (agent_id, minute) DO UPDATE SET requests = excluded.requests, errors = excluded.errors, tokens_in = excluded.tokens_in,
         tokens_out = excluded.tokens_out, cost_usd = excluded.cost_usd, latency_sum_ms = excluded.latency_sum_ms,
         latency_min_ms = excluded.latency_min_ms, latency_max_ms = excluded.latency_max_ms, latency_histogram = excluded.latency_histogram`,
    );
  }

  /** Stores a batch in one transaction; returns how many were new and how many were already stored. */
  ingest(events: readonly IngestEvent[]): { inserted: number; duplicates: number } {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    const insert = this.insertEvent;
    return this.db.write(() => {
      const rollups = new Map<string, { agentId: string; minute: string; accumulator: Accumulator }>();
      let inserted = 0;
      for (const event of events) {
        const ms = Date.parse(event.time);
        const time = toIso(Number.isNaN(ms) ? this.db.clock() : ms);
        const changes = insert.run(event.agentId, event.deploymentId ?? null, event.source, event.eventId, event.type, event.traceId ?? null, time, JSON.stringify(event.data)).changes;
        if (changes === 0) continue;
        inserted += 1;
        if (event.type !== 'run_end') continue;
        const minute = toIso(Math.floor(Date.parse(time) / MINUTE_MS) * MINUTE_MS);
        const key = `${event.agentId}\u0000${minute}`;
        let entry = rollups.get(key);
        if (!entry) {
          entry = { agentId: event.agentId, minute, accumulator: { requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, latencySumMs: 0, histogram: new LatencyHistogram() } };
          rollups.set(key, entry);
        }
        addRun(entry.accumulator, event.data);
      }
      for (const { agentId, minute, accumulator } of rollups.values()) this.mergeRollup(agentId, minute, accumulator);
      return { inserted, duplicates: events.length - inserted };
    });
  }

  /** Totals and p50/p95/p99 of one agent over [from, to) (whole minutes). */
  summarize(agentId: string, window: { from: string; to: string }): TelemetrySummary {
    const rows = this.db.sql.prepare('SELECT * FROM telemetry_rollups WHERE agent_id = ? AND minute >= ? AND minute < ?').all(agentId, minuteFloor(window.from), window.to) as RollupRow[];
    return summarizeRows(rows, window);
  }

  /** summarize() for every agent with traffic in the window (the fleet overview), in one query. */
  summarizeFleet(window: { from: string; to: string }): Map<string, TelemetrySummary> {
    const rows = this.db.sql.prepare('SELECT * FROM telemetry_rollups WHERE minute >= ? AND minute < ? ORDER BY agent_id').all(minuteFloor(window.from), window.to) as RollupRow[];
    const byAgent = new Map<string, RollupRow[]>();
    for (const row of rows) {
      const list = byAgent.get(row.agent_id);
      if (list) list.push(row);
      else byAgent.set(row.agent_id, [row]);
    }
    return new Map([...byAgent].map(([agentId, agentRows]) => [agentId, summarizeRows(agentRows, window)]));
  }

  /** Per-minute points of one agent over [from, to), oldest first (charts). */
  series(agentId: string, window: { from: string; to: string }): RollupPoint[] {
    const rows = this.db.sql.prepare('SELECT * FROM telemetry_rollups WHERE agent_id = ? AND minute >= ? AND minute < ? ORDER BY minute').all(agentId, minuteFloor(window.from), window.to) as RollupRow[];
    return rows.map((row) => {
      const histogram = histogramOf(row);
      return {
        minute: row.minute,
        requests: row.requests,
        errors: row.errors,
        tokensIn: row.tokens_in,
        tokensOut: row.tokens_out,
        costUsd: row.cost_usd,
        p50Ms: histogram.quantile(0.5) ?? null,
        p95Ms: histogram.quantile(0.95) ?? null,
        p99Ms: histogram.quantile(0.99) ?? null,
      };
    });
  }

  /** Stored events of one agent, oldest first, optionally by time range, type and after an id. */
  events(agentId: string, filter: { from?: string; to?: string; types?: readonly string[]; afterId?: number; limit?: number } = {}): StoredTelemetryEvent[] {
    const where = ['agent_id = ?'];
    const values: unknown[] = [agentId];
    const add = (clause: string, ...clauseValues: unknown[]): void => {
      where.push(clause);
      values.push(...clauseValues);
    };
    if (filter.from !== undefined) add('time >= ?', filter.from);
    if (filter.to !== undefined) add('time < ?', filter.to);
    if (filter.afterId !== undefined) add('id > ?', filter.afterId);
    if (filter.types?.length) add(`type IN (${filter.types.map(() => '?').join(', ')})`, ...filter.types);
    values.push(Math.min(10_000, Math.max(1, filter.limit ?? 1000)));
    const rows = this.db.sql.prepare(`SELECT * FROM telemetry_events WHERE ${where.join(' AND ')} ORDER BY time, id LIMIT ?`).all(...values) as EventRow[];
    return rows.map((row) => ({
      id: row.id,
      agentId: row.agent_id,
      ...(row.deployment_id !== null ? { deploymentId: row.deployment_id } : {}),
      source: row.source,
      eventId: row.event_id,
      type: row.type,
      ...(row.trace_id !== null ? { traceId: row.trace_id } : {}),
      time: row.time,
      data: JSON.parse(row.data_json) as Record<string, unknown>,
    }));
  }

  private mergeRollup(agentId: string, minute: string, add: Accumulator): void {
    const row = this.selectRollup.get(agentId, minute) as RollupRow | undefined;
    const histogram = row ? histogramOf(row).merge(add.histogram) : add.histogram;
    this.upsertRollup
      .run({
        agent_id: agentId,
        minute,
        requests: (row?.requests ?? 0) + add.requests,
        errors: (row?.errors ?? 0) + add.errors,
        tokens_in: (row?.tokens_in ?? 0) + add.tokensIn,
        tokens_out: (row?.tokens_out ?? 0) + add.tokensOut,
        cost_usd: (row?.cost_usd ?? 0) + add.costUsd,
        latency_sum_ms: (row?.latency_sum_ms ?? 0) + add.latencySumMs,
        latency_min_ms: histogram.min ?? null,
        latency_max_ms: histogram.max ?? null,
        latency_histogram: JSON.stringify(histogram.toJSON()),
      });
  }
}

/** A run_end event's data (runtime http/run-pipeline.ts `finish`) added to an accumulator. */
function addRun(accumulator: Accumulator, data: Record<string, unknown>): void {
  accumulator.requests += 1;
  if (data.status !== 'ok') accumulator.errors += 1;
  accumulator.tokensIn += wholeNumber(data.tokensIn);
  accumulator.tokensOut += wholeNumber(data.tokensOut);
  accumulator.costUsd += finiteNumber(data.costUsd);
  const latency = finiteNumber(data.latencyMs);
  accumulator.latencySumMs += latency;
  accumulator.histogram.record(latency);
}

function summarizeRows(rows: readonly RollupRow[], window: { from: string; to: string }): TelemetrySummary {
  const histogram = new LatencyHistogram();
  let requests = 0;
  let errors = 0;
  let tokensIn = 0;
  let tokensOut = 0;
  let costUsd = 0;
  let latencySumMs = 0;
  for (const row of rows) {
    requests += row.requests;
    errors += row.errors;
    tokensIn += row.tokens_in;
    tokensOut += row.tokens_out;
    costUsd += row.cost_usd;
    latencySumMs += row.latency_sum_ms;
    histogram.merge(histogramOf(row));
  }
  const seconds = Math.max(1, (Date.parse(window.to) - Date.parse(window.from)) / 1000);
  return {
    from: window.from,
    to: window.to,
    requests,
    errors,
    errorRate: requests ? errors / requests : null,
    throughputPerSecond: requests / seconds,
    p50Ms: histogram.quantile(0.5) ?? null,
    p95Ms: histogram.quantile(0.95) ?? null,
    p99Ms: histogram.quantile(0.99) ?? null,
    meanLatencyMs: requests ? latencySumMs / requests : null,
    tokensIn,
    tokensOut,
    costUsd,
  };
}

function histogramOf(row: RollupRow): LatencyHistogram {
  return LatencyHistogram.fromStored(JSON.parse(row.latency_histogram) as Record<string, number>, row.latency_min_ms, row.latency_max_ms);
}

/** The start of the minute containing `iso` (rollup rows are keyed by it). */
function minuteFloor(iso: string): string {
  return toIso(Math.floor(Date.parse(iso) / MINUTE_MS) * MINUTE_MS);
}

function finiteNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function wholeNumber(value: unknown): number {
  return Math.round(finiteNumber(value));
}

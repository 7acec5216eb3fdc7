/**
 * Telemetry from the runtimes' `/events` streams: raw events (kept 7 days, runs 30) and per-agent
 * rollups per minute, hour and day that panels and metrics read. A batch is one transaction:
 * events that were already stored (an SSE resume re-sends them) are skipped and not counted
 * again, and every rollup tier grows only by the `run_end` events that were new
 * (rollup-writer.ts). Reads go through the tiers (rollup-reader.ts), so a day or a month of a
 * 1,000-agent fleet is tens of thousands of rows, not millions. `lastEvent(source)` is where an
 * SSE resume starts.
 */
import type { Statement } from 'better-sqlite3';
import { toIso } from './clock';
import type { StoreDatabase } from './database';
import { RollupReader, seriesTier } from './rollup-reader';
import type { RollupSource } from './rollup-reader';
import type { TelemetrySummary } from './rollup-totals';
import { RollupWriter } from './rollup-writer';
import type { RunRecord } from './rollup-writer';

export type { TelemetrySummary } from './rollup-totals';
export type { RollupSource } from './rollup-reader';

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

/** One minute or hour of one agent (`seriesBy`). */
export interface SeriesPoint {
  /** Start of the bucket, ISO. */
  start: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanLatencyMs: number | null;
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

/** Stores events and rollups and answers the panels' questions. */
export class TelemetryRepository {
  // Prepared once: ingest is the hottest write path in the console.
  private readonly insertEvent: Statement;
  private readonly selectLastEvent: Statement;
  private readonly rollups: RollupWriter;
  private readonly reader: RollupReader;

  /** `rollupSource: 'minutes'` reads minute rows only: the reference the tiers are tested and benchmarked against. */
  constructor(
    private readonly db: StoreDatabase,
    options: { rollupSource?: RollupSource } = {},
  ) {
    this.insertEvent = db.sql.prepare(
      `INSERT INTO telemetry_events (agent_id, deployment_id, source, event_id, type, trace_id, time, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_id) DO NOTHING`,
    );
    this.selectLastEvent = db.sql.prepare('SELECT event_id, time FROM telemetry_events WHERE source = ? ORDER BY event_id DESC LIMIT 1');
    this.rollups = new RollupWriter(db.sql);
    this.reader = new RollupReader(db.sql, options.rollupSource);
  }

  /** Stores a batch in one transaction; returns how many were new and how many were already stored. */
  ingest(events: readonly IngestEvent[]): { inserted: number; duplicates: number } {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    const insert = this.insertEvent;
    return this.db.write(() => {
      const runs: RunRecord[] = [];
      let inserted = 0;
      for (const event of events) {
        const parsed = Date.parse(event.time);
        const timeMs = Number.isNaN(parsed) ? this.db.clock() : parsed;
        const changes = insert.run(event.agentId, event.deploymentId ?? null, event.source, event.eventId, event.type, event.traceId ?? null, toIso(timeMs), JSON.stringify(event.data)).changes;
        if (changes === 0) continue;
        inserted += 1;
        if (event.type === 'run_end') runs.push({ agentId: event.agentId, timeMs, data: event.data });
      }
      // In the same transaction as the events: the rollups never count an event that is not stored, nor miss one that is.
      this.rollups.add(runs);
      return { inserted, duplicates: events.length - inserted };
    });
  }

  /** Totals and p50/p95/p99 of one agent over [from, to) (whole minutes). */
  summarize(agentId: string, window: { from: string; to: string }): TelemetrySummary {
    return this.db.read(() => this.reader.agent(agentId, window)).summary(window);
  }

  /** summarize() for every agent with traffic in the window (the fleet overview), by agent id. */
  summarizeFleet(window: { from: string; to: string }): Map<string, TelemetrySummary> {
    const totals = this.db.read(() => this.reader.fleet(window));
    return new Map([...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([agentId, total]) => [agentId, total.summary(window)]));
  }

  /** Points of one agent per minute or per hour over [from, to), oldest first; an hour at the window's edge holds only its minutes inside. */
  seriesBy(agentId: string, window: { from: string; to: string }, granularity: 'minute' | 'hour'): SeriesPoint[] {
    const tier = seriesTier(granularity);
    const buckets = this.db.read(() => this.reader.series(agentId, window, tier));
    return buckets.map(({ start, total }) => {
      const summary = total.summary({ from: toIso(start), to: toIso(start + tier.ms) });
      return { start: summary.from, requests: summary.requests, errors: summary.errors, tokensIn: summary.tokensIn, tokensOut: summary.tokensOut, costUsd: summary.costUsd, p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, meanLatencyMs: summary.meanLatencyMs };
    });
  }

  /** The newest stored event of a runtime process (`source`): where an SSE resume starts. */
  lastEvent(source: string): { eventId: number; time: string } | undefined {
    const row = this.selectLastEvent.get(source) as { event_id: number; time: string } | undefined;
    return row && { eventId: row.event_id, time: row.time };
  }

  /** Stored events of one agent, oldest first, optionally by time range, type and after an id. */
  /** `data` keeps only events whose top-level data fields equal these values (compared in SQL, so a check needs one row, not a page). */
  events(agentId: string, filter: { from?: string; to?: string; types?: readonly string[]; afterId?: number; data?: Readonly<Record<string, string | number>>; limit?: number } = {}): StoredTelemetryEvent[] {
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
    for (const [field, value] of Object.entries(filter.data ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new RangeError(`events: ${JSON.stringify(field)} is not a plain data field name`);
      add(`json_extract(data_json, '$.${field}') = ?`, value);
    }
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
}

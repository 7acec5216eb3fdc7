/**
 * Buffers events from every subscription and writes them in batches: one transaction per batch
 * (the repository's `ingest`), flushed when `maxEvents` are waiting or `maxDelayMs` after the
 * first one, so a burst costs a few commits instead of one per event and a trickle still lands
 * within a fraction of a second.
 *
 * A batch the database refuses is retried agent by agent, so one agent purged meanwhile (its
 * events now break a foreign key) cannot take the other agents' events with it. A busy database
 * (another process holding the write lock past busy_timeout) keeps the events for the next flush.
 */
import type { IngestEvent } from '../store/telemetry-repository';
import type { TelemetryLog } from './telemetry-log';
import { errorMessage } from '../contracts';

export interface IngestBatcherOptions {
  ingest(events: readonly IngestEvent[]): { inserted: number; duplicates: number };
  maxEvents?: number;
  maxDelayMs?: number;
  /** Events kept across busy flushes before the oldest are dropped. */
  maxPending?: number;
  log: TelemetryLog;
}

/** Running totals of what reached the store. */
export interface IngestTotals {
  inserted: number;
  duplicates: number;
  /** Events the database refused (logged). */
  failed: number;
  batches: number;
}

/** Collects events and flushes them to the store in batches. */
export class IngestBatcher {
  private pending: IngestEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxEvents: number;
  private readonly maxDelayMs: number;
  private readonly maxPending: number;
  readonly totals: IngestTotals = { inserted: 0, duplicates: 0, failed: 0, batches: 0 };

  constructor(private readonly options: IngestBatcherOptions) {
    this.maxEvents = options.maxEvents ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.maxPending = options.maxPending ?? 100_000;
  }

  /** Queues events; flushes at once when the batch is full. */
  add(events: readonly IngestEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) this.pending.push(event);
    if (this.pending.length >= this.maxEvents) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes everything queued now; returns what this flush inserted. */
  flush(): { inserted: number; duplicates: number } {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return { inserted: 0, duplicates: 0 };
    try {
      return this.count(this.options.ingest(batch));
    } catch (error) {
      if (isBusy(error)) return this.keep(batch, error);
      return this.perAgent(batch);
    }
  }

  /** Flushes and stops the timer. */
  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private perAgent(batch: IngestEvent[]): { inserted: number; duplicates: number } {
    const byAgent = new Map<string, IngestEvent[]>();
    for (const event of batch) {
      const list = byAgent.get(event.agentId);
      if (list) list.push(event);
      else byAgent.set(event.agentId, [event]);
    }
    const result = { inserted: 0, duplicates: 0 };
    for (const [agentId, events] of byAgent) {
      try {
        const written = this.count(this.options.ingest(events));
        result.inserted += written.inserted;
        result.duplicates += written.duplicates;
      } catch (error) {
        if (isBusy(error)) {
          this.keep(events, error);
          continue;
        }
        this.totals.failed += events.length;
        this.options.log({ level: 'error', message: `telemetry: the store refused ${events.length} event(s) of agent ${agentId}: ${errorMessage(error)}`, agentId });
      }
    }
    return result;
  }

  private keep(events: IngestEvent[], error: unknown): { inserted: number; duplicates: number } {
    this.pending = [...events, ...this.pending];
    const excess = this.pending.length - this.maxPending;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.totals.failed += excess;
      this.options.log({ level: 'error', message: `telemetry: the database stayed busy; dropped the ${excess} oldest buffered event(s)` });
    } else {
      this.options.log({ level: 'warn', message: `telemetry: the database is busy (${errorMessage(error)}); ${events.length} event(s) kept for the next flush` });
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(this.maxDelayMs, 1000));
      this.timer.unref();
    }
    return { inserted: 0, duplicates: 0 };
  }

  private count(result: { inserted: number; duplicates: number }): { inserted: number; duplicates: number } {
    this.totals.inserted += result.inserted;
    this.totals.duplicates += result.duplicates;
    this.totals.batches += 1;
    return result;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

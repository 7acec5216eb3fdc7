/**
 * Optional export of runs to Langfuse over OTLP/HTTP JSON (`POST {host}/api/public/otel/v1/traces`,
 * Basic auth public_key:secret_key, `x-langfuse-ingestion-version: 4`), per Langfuse's
 * OpenTelemetry integration docs.
 *
 * Seed 004 §5.5.8: retry, then store offline and sync later; telemetry failure never affects a
 * response. So `exportRun` only converts and queues (synchronously, never throwing); batches go
 * out on a timer through one serialized worker; a batch that still fails after bounded retries is
 * appended to the durable spool, and the spool is replayed on start, after the next success and
 * on a timer. Delivery is at-least-once; the stable span ids (`otlp-spans.ts`) make a re-sent
 * span the same observation in Langfuse.
 */
import { randomUUID } from 'node:crypto';
import type { Logger, Metrics } from '../contracts';
import { retry } from '../reliability/retry';
import { METRIC } from './metric-names';
import { exportRequestBody, runToSpans } from './otlp-spans';
import type { OtlpSpan, RunRecord, SpanContext } from './otlp-spans';
import { DurableSpool } from './spool';

export interface LangfuseExporterOptions {
  /** Langfuse base URL (cloud region or self-hosted); default the EU cloud. */
  host?: string;
  publicKey: string;
  secretKey: string;
  agent: string;
  version: string;
  environment?: string;
  /** Where undelivered batches are kept across restarts (one per replica). */
  spoolDir: string;
  /** Largest spool, bytes. */
  maxSpoolBytes?: number;
  /** Spans per request. */
  batchSize?: number;
  /** Queued spans kept in memory while the worker is busy; beyond, the oldest are dropped. */
  maxQueuedSpans?: number;
  /** How often queued spans are sent, ms. */
  flushIntervalMs?: number;
  /** How often a non-empty spool is retried while nothing else succeeds, ms. */
  replayIntervalMs?: number;
  /** Retries per batch before it is spooled. */
  retries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  /** Injected by tests (no real waiting between retries). */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  metrics?: Metrics;
}

export interface ExporterStats {
  /** Spans the backend accepted, first time. */
  sent: number;
  /** Spans written to the spool. */
  spooled: number;
  /** Spooled spans later delivered. */
  replayed: number;
  /** Spans given up on: rejected as malformed, over the queue or spool cap, or unconvertible. */
  dropped: number;
  /** Spans in memory waiting to be sent. */
  queued: number;
  /** Spans waiting in the spool. */
  spoolPending: number;
}

type SendOutcome = 'ok' | 'rejected' | 'failed';

/** HTTP statuses that say the payload itself is wrong: sending it again cannot succeed. */
const REJECTED_STATUS = new Set([400, 413, 422]);

class ExportHttpError extends Error {
  constructor(readonly status: number) {
    super(`Langfuse answered ${status}`);
  }
}

/** Batching OTLP exporter with retry and a durable spool. */
export class LangfuseExporter {
  private readonly url: string;
  private readonly authorization: string;
  private readonly context: SpanContext;
  private readonly spool: DurableSpool<OtlpSpan>;
  private readonly options: Required<Pick<LangfuseExporterOptions, 'batchSize' | 'maxQueuedSpans' | 'flushIntervalMs' | 'replayIntervalMs' | 'retries' | 'retryBaseMs' | 'retryMaxMs' | 'requestTimeoutMs'>>;
  private queue: OtlpSpan[] = [];
  private worker: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private failing = false;
  private flushScheduled = false;
  private readonly counts = { sent: 0, spooled: 0, replayed: 0, dropped: 0 };

  constructor(private readonly config: LangfuseExporterOptions) {
    const host = (config.host ?? 'https://cloud.langfuse.com').replace(/\/+$/, '');
    if (!/^https?:\/\//.test(host)) throw new Error(`Langfuse host must be an http(s) URL, got ${JSON.stringify(host)}`);
    this.url = `${host}/api/public/otel/v1/traces`;
    this.authorization = `Basic ${Buffer.from(`${config.publicKey}:${config.secretKey}`).toString('base64')}`;
    this.context = { agent: config.agent, version: config.version, ...(config.environment ? { environment: config.environment } : {}) };
    this.spool = new DurableSpool<OtlpSpan>({ dir: config.spoolDir, name: 'langfuse-spool', ...(config.maxSpoolBytes ? { maxBytes: config.maxSpoolBytes } : {}) });
    this.options = {
      batchSize: config.batchSize ?? 100,
      maxQueuedSpans: config.maxQueuedSpans ?? 10_000,
      flushIntervalMs: config.flushIntervalMs ?? 2_000,
      replayIntervalMs: config.replayIntervalMs ?? 30_000,
      retries: config.retries ?? 3,
      retryBaseMs: config.retryBaseMs ?? 500,
      retryMaxMs: config.retryMaxMs ?? 8_000,
      requestTimeoutMs: config.requestTimeoutMs ?? 10_000,
    };
  }

  /** Opens the spool, replays what an earlier process left, and starts the timers. */
  async start(): Promise<void> {
    if (this.flushTimer) return;
    await this.enqueue(async () => {
      await this.spool.open();
      this.gauge();
      await this.replay();
    });
    this.flushTimer = setInterval(() => {
      if (this.queue.length > 0) this.scheduleFlush();
    }, this.options.flushIntervalMs);
    this.flushTimer.unref();
    this.replayTimer = setInterval(() => {
      if (this.spool.pending > 0) void this.enqueue(() => this.replay());
    }, this.options.replayIntervalMs);
    this.replayTimer.unref();
  }

  /** Queues a finished run's spans; synchronous and never throws (the request path calls it). */
  exportRun(run: RunRecord): void {
    try {
      const spans = runToSpans(run, this.context);
      if (this.closed) return this.drop(spans.length);
      this.queue.push(...spans);
      const overflow = this.queue.length - this.options.maxQueuedSpans;
      if (overflow > 0) {
        this.queue.splice(0, overflow);
        this.drop(overflow);
      }
      if (this.queue.length >= this.options.batchSize) this.scheduleFlush();
    } catch {
      this.drop(1);
    }
  }

  /** Sends (or spools) everything queued; resolves when done, never rejects. */
  flush(): Promise<void> {
    return this.enqueue(() => this.drain(this.options.retries));
  }

  /** Stops the timers and flushes with a single attempt per batch, spooling the rest (SIGTERM). */
  async close(): Promise<void> {
    if (this.closed) return this.worker;
    this.closed = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.replayTimer) clearInterval(this.replayTimer);
    await this.enqueue(() => this.drain(0));
  }

  stats(): ExporterStats {
    return { ...this.counts, queued: this.queue.length, spoolPending: this.spool.pending };
  }

  /** At most one flush waits in the worker queue, so a hung backend cannot pile up tasks. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void this.enqueue(() => {
      this.flushScheduled = false;
      return this.drain(this.options.retries);
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.worker = this.worker.then(task).catch((error: unknown) => this.warn('telemetry export step failed', error));
    return this.worker;
  }

  private async drain(retries: number): Promise<void> {
    let spoolFromHere = false;
    while (this.queue.length > 0) {
      const spans = this.queue.splice(0, this.options.batchSize);
      if (spoolFromHere) {
        await this.toSpool(spans);
        continue;
      }
      const outcome = await this.send(spans, retries);
      if (outcome === 'ok') {
        this.counts.sent += spans.length;
        this.count('sent', spans.length);
      } else if (outcome === 'rejected') {
        this.drop(spans.length);
      } else {
        // The backend is down: spool the rest of this drain instead of retrying batch after batch.
        spoolFromHere = true;
        await this.toSpool(spans);
      }
    }
    if (!spoolFromHere && this.spool.pending > 0) await this.replay(retries);
  }

  private async replay(retries = this.options.retries): Promise<void> {
    if (this.spool.pending === 0) return;
    for (const entry of await this.spool.read()) {
      const outcome = await this.send(entry.batch.items, retries);
      if (outcome === 'failed') break;
      await this.spool.acknowledge(entry);
      if (outcome === 'ok') {
        this.counts.replayed += entry.batch.items.length;
        this.count('replayed', entry.batch.items.length);
      } else this.drop(entry.batch.items.length);
    }
    this.gauge();
  }

  private async toSpool(spans: OtlpSpan[]): Promise<void> {
    try {
      const dropped = await this.spool.append([{ id: randomUUID(), items: spans }]);
      this.counts.spooled += spans.length;
      this.count('spooled', spans.length);
      if (dropped > 0) this.drop(dropped);
    } catch (error) {
      // A full or read-only disk: the spans are lost, the responses are not.
      this.drop(spans.length);
      this.warn('telemetry spool write failed; spans dropped', error);
    }
    this.gauge();
  }

  private async send(spans: OtlpSpan[], retries: number): Promise<SendOutcome> {
    try {
      await retry(() => this.post(spans), { retries, baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs, ...(this.config.sleep ? { sleep: this.config.sleep } : {}) });
      if (this.failing) this.config.logger?.info('telemetry export recovered', { url: this.url });
      this.failing = false;
      return 'ok';
    } catch (error) {
      if (error instanceof ExportHttpError && REJECTED_STATUS.has(error.status)) {
        this.warn('Langfuse rejected a telemetry batch; dropped', error);
        return 'rejected';
      }
      if (!this.failing) this.warn('telemetry export failing; spooling locally', error);
      this.failing = true;
      return 'failed';
    }
  }

  private async post(spans: OtlpSpan[]): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json', 'x-langfuse-ingestion-version': '4' },
      body: exportRequestBody(spans, this.context),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs),
    });
    // Read the body so the keep-alive socket is reusable.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) {
      const error = new ExportHttpError(response.status);
      const header = response.headers.get('retry-after');
      const retryAfter = header === null || header.trim() === '' ? NaN : Number(header);
      if (Number.isFinite(retryAfter) && retryAfter >= 0) Object.assign(error, { retryAfterMs: retryAfter * 1000 });
      throw error;
    }
  }

  private drop(spans: number): void {
    this.counts.dropped += spans;
    this.count('dropped', spans);
  }

  private count(outcome: 'sent' | 'spooled' | 'replayed' | 'dropped', spans: number): void {
    try {
      this.config.metrics?.increment(METRIC.telemetryExportSpans, { outcome }, spans);
    } catch {
      // Metrics are best effort.
    }
  }

  private gauge(): void {
    try {
      this.config.metrics?.set(METRIC.telemetrySpoolSpans, this.spool.pending);
    } catch {
      // Metrics are best effort.
    }
  }

  private warn(message: string, error: unknown): void {
    try {
      // Status and error code only: the request carried the Basic credentials.
      const detail = error instanceof ExportHttpError ? { status: error.status } : { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      this.config.logger?.warn(message, { url: this.url, ...detail });
    } catch {
      // Logging is best effort.
    }
  }
}

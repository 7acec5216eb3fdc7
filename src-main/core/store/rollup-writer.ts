/**
 * Grows the minute, hour and day rollups by a batch of `run_end` events. The caller runs it inside
 * the ingest transaction, so every tier moves together or not at all: a kill -9 can never leave an
 * hour row that disagrees with its minutes (crash-consistency test: telemetry-crash.test.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { LatencyHistogram } from './latency-histogram';
import { bucketKey, ROLLUP_TIERS } from './rollup-tiers';
import type { RollupTier } from './rollup-tiers';

/** A new run_end event: its agent, its time (ms) and its data (runtime http/run-pipeline.ts `finish`). */
export interface RunRecord {
  agentId: string;
  timeMs: number;
  data: Record<string, unknown>;
}

/** A rollup row's counters, the same columns in every tier. */
export interface StoredRollup {
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

/** One (agent, bucket) while a batch is added. */
interface Accumulator {
  agentId: string;
  bucket: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  latencySumMs: number;
  histogram: LatencyHistogram;
}

interface TierStatements {
  tier: RollupTier;
  select: Statement;
  upsert: Statement;
}

/** Adds batches of runs to every rollup tier; statements prepared once (ingest is the hottest write path). */
export class RollupWriter {
  private readonly statements: TierStatements[];

  constructor(sql: BetterSqlite3.Database, tiers: readonly RollupTier[] = ROLLUP_TIERS) {
    this.statements = tiers.map((tier) => ({
      tier,
      select: sql.prepare(`SELECT * FROM ${tier.table} WHERE agent_id = ? AND ${tier.key} = ?`),
      upsert: sql.prepare(
        `INSERT INTO ${tier.table} (agent_id, ${tier.key}, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (agent_id, ${tier.key}) DO UPDATE SET requests = excluded.requests, errors = excluded.errors, tokens_in = excluded.tokens_in,
           tokens_out = excluded.tokens_out, cost_usd = excluded.cost_usd, latency_sum_ms = excluded.latency_sum_ms,
           latency_min_ms = excluded.latency_min_ms, latency_max_ms = excluded.latency_max_ms, latency_histogram = excluded.latency_histogram`,
      ),
    }));
  }

  /** Adds `runs` to each tier's rows (one read and one upsert per agent and bucket). Call inside a write transaction. */
  add(runs: readonly RunRecord[]): void {
    if (runs.length === 0) return;
    for (const { tier, select, upsert } of this.statements) {
      const batch = new Map<string, Accumulator>();
      for (const run of runs) {
        const bucket = bucketKey(run.timeMs, tier);
        const key = `${run.agentId}\u0000${bucket}`;
        let accumulator = batch.get(key);
        if (!accumulator) batch.set(key, (accumulator = emptyAccumulator(run.agentId, bucket)));
        addRun(accumulator, run.data);
      }
      for (const add of batch.values()) merge(select, upsert, add);
    }
  }
}

function emptyAccumulator(agentId: string, bucket: string): Accumulator {
  return { agentId, bucket, requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, latencySumMs: 0, histogram: new LatencyHistogram() };
}

/** A run_end event's data added to an accumulator; unreadable numbers count as 0. */
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

/** The stored row plus the batch's accumulator, written back. */
function merge(select: Statement, upsert: Statement, add: Accumulator): void {
  const row = select.get(add.agentId, add.bucket) as StoredRollup | undefined;
  const histogram = row
    ? LatencyHistogram.fromStored(JSON.parse(row.latency_histogram) as Record<string, number>, row.latency_min_ms, row.latency_max_ms).merge(add.histogram)
    : add.histogram;
  upsert.run(
    add.agentId,
    add.bucket,
    (row?.requests ?? 0) + add.requests,
    (row?.errors ?? 0) + add.errors,
    (row?.tokens_in ?? 0) + add.tokensIn,
    (row?.tokens_out ?? 0) + add.tokensOut,
    (row?.cost_usd ?? 0) + add.costUsd,
    (row?.latency_sum_ms ?? 0) + add.latencySumMs,
    histogram.min ?? null,
    histogram.max ?? null,
    JSON.stringify(histogram.toJSON()),
  );
}

function finiteNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function wholeNumber(value: unknown): number {
  return Math.round(finiteNumber(value));
}

/** Helpers for the rollup tests: seeded random runs, and a check that every tier agrees with the minute rows. */
import type { StoreDatabase } from './database';
import { LatencyHistogram } from './latency-histogram';
import { bucketKey, MINUTE_TIER, ROLLUP_TIERS } from './rollup-tiers';
import type { TelemetrySummary } from './rollup-totals';
import type { StoredRollup } from './rollup-writer';
import type { IngestEvent } from './telemetry-repository';

/** A small seeded PRNG (mulberry32): the same seed gives the same "random" test, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` run_end events (plus some other events) for `agentIds`, at random times in [startMs, startMs + spanMs). */
export function randomRuns(random: () => number, agentIds: readonly string[], count: number, startMs: number, spanMs: number): IngestEvent[] {
  const events: IngestEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const agentId = agentIds[Math.floor(random() * agentIds.length)] as string;
    const time = new Date(startMs + Math.floor(random() * spanMs)).toISOString();
    const type = random() < 0.85 ? 'run_end' : 'token';
    // Latencies over six orders of magnitude (histogram buckets 0…~150), fractional spend.
    const latencyMs = random() < 0.02 ? 0 : Math.round(10 ** (random() * 6 - 1) * 1000) / 1000;
    events.push({
      agentId,
      source: `src-${agentId}`,
      eventId: index + 1,
      type,
      time,
      data: type === 'run_end' ? { status: random() < 0.1 ? 'error' : 'ok', latencyMs, tokensIn: Math.floor(random() * 5000), tokensOut: Math.floor(random() * 800), costUsd: random() * 0.01 } : { n: index },
    });
  }
  return events;
}

/** Two summaries that must agree: counts and percentiles exactly, float sums up to summation order. */
export function summaryDifferences(actual: TelemetrySummary | undefined, expected: TelemetrySummary | undefined): string[] {
  if (!actual || !expected) return actual === expected ? [] : [`one summary is missing: ${JSON.stringify({ actual, expected })}`];
  const problems: string[] = [];
  for (const key of Object.keys(expected) as (keyof TelemetrySummary)[]) {
    const a = actual[key];
    const b = expected[key];
    const close = typeof a === 'number' && typeof b === 'number' && (key === 'costUsd' || key === 'meanLatencyMs') && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    if (a !== b && !close) problems.push(`${key}: ${String(a)} ≠ ${String(b)}`);
  }
  return problems;
}

interface RollupRow extends StoredRollup {
  agent_id: string;
  bucket: string;
}

/** Every coarser tier's row compared with the sum of its minute rows; returns the differences (none when consistent). */
export function tierMismatches(db: StoreDatabase): string[] {
  const read = (table: string, key: string): RollupRow[] => db.sql.prepare(`SELECT *, ${key} AS bucket FROM ${table} ORDER BY agent_id, ${key}`).all() as RollupRow[];
  const minutes = read(MINUTE_TIER.table, MINUTE_TIER.key);
  const problems: string[] = [];
  for (const tier of ROLLUP_TIERS.filter((candidate) => candidate !== MINUTE_TIER)) {
    const expected = new Map<string, { row: Omit<RollupRow, 'latency_histogram'>; histogram: LatencyHistogram }>();
    for (const minute of minutes) {
      const bucket = bucketKey(Date.parse(minute.bucket), tier);
      const id = `${minute.agent_id} ${bucket}`;
      let entry = expected.get(id);
      if (!entry) {
        entry = { row: { agent_id: minute.agent_id, bucket, requests: 0, errors: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, latency_sum_ms: 0, latency_min_ms: null, latency_max_ms: null }, histogram: new LatencyHistogram() };
        expected.set(id, entry);
      }
      const row = entry.row;
      row.requests += minute.requests;
      row.errors += minute.errors;
      row.tokens_in += minute.tokens_in;
      row.tokens_out += minute.tokens_out;
      row.cost_usd += minute.cost_usd;
      row.latency_sum_ms += minute.latency_sum_ms;
      entry.histogram.merge(LatencyHistogram.fromStored(JSON.parse(minute.latency_histogram) as Record<string, number>, minute.latency_min_ms, minute.latency_max_ms));
    }
    const stored = new Map(read(tier.table, tier.key).map((row) => [`${row.agent_id} ${row.bucket}`, row]));
    for (const [id, { row, histogram }] of expected) {
      const actual = stored.get(id);
      stored.delete(id);
      if (!actual) {
        problems.push(`${tier.name} ${id}: missing`);
        continue;
      }
      const want = { ...row, latency_min_ms: histogram.min ?? null, latency_max_ms: histogram.max ?? null, latency_histogram: histogram.toJSON() };
      const got = { ...actual, latency_histogram: LatencyHistogram.fromStored(JSON.parse(actual.latency_histogram) as Record<string, number>, null, null).toJSON() };
      for (const key of Object.keys(want) as (keyof typeof want)[]) {
        const a = got[key];
        const b = want[key];
        const close = typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
        if (!close && JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${tier.name} ${id} ${key}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
      }
    }
    for (const id of stored.keys()) problems.push(`${tier.name} ${id}: has no minute rows`);
  }
  return problems;
}

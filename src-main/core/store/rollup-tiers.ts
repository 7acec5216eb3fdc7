/**
 * The rollup tiers: per-minute rows (migration 1), per-10-minute, per-hour and per-day rows
 * (migration 4), the same columns at each, all written by one ingest transaction. A read covers
 * whole days with day rows, the whole hours left at its edges with hour rows, then whole
 * 10-minute spans, then minutes: at most 9·2 + 5·2 + 23·2 rows per agent plus one per day,
 * instead of 1,440 per day. The 10-minute tier is there for the windows panels really use —
 * "the last hour / 24 hours" up to now, never on an hour boundary — whose edges would otherwise
 * be 60 minute rows per agent (bench/control-plane-telemetry.ts).
 */
import { toIso } from './clock';

/** One rollup table: its name, its bucket column and the bucket length. */
export interface RollupTier {
  name: 'minute' | 'tenMinutes' | 'hour' | 'day';
  table: 'telemetry_rollups' | 'telemetry_rollups_10min' | 'telemetry_rollups_hourly' | 'telemetry_rollups_daily';
  /** The bucket-start column (ISO, UTC). */
  key: 'minute' | 'hour' | 'day';
  /** Bucket length in ms; each tier's buckets are whole multiples of the finer tier's. */
  ms: number;
}

export const MINUTE_TIER: RollupTier = Object.freeze({ name: 'minute', table: 'telemetry_rollups', key: 'minute', ms: 60_000 });
export const TEN_MINUTE_TIER: RollupTier = Object.freeze({ name: 'tenMinutes', table: 'telemetry_rollups_10min', key: 'minute', ms: 600_000 });
export const HOUR_TIER: RollupTier = Object.freeze({ name: 'hour', table: 'telemetry_rollups_hourly', key: 'hour', ms: 3_600_000 });
export const DAY_TIER: RollupTier = Object.freeze({ name: 'day', table: 'telemetry_rollups_daily', key: 'day', ms: 86_400_000 });

/** Every tier, finest first (the order reads fall back through). */
export const ROLLUP_TIERS: readonly RollupTier[] = Object.freeze([MINUTE_TIER, TEN_MINUTE_TIER, HOUR_TIER, DAY_TIER]);

/** A run of whole buckets of one tier, [from, to) in ms. */
export interface RollupRange {
  tier: RollupTier;
  from: number;
  to: number;
}

/** The start (ms) of the `tier` bucket containing `ms`. */
function bucketStart(ms: number, tier: RollupTier): number {
  return Math.floor(ms / tier.ms) * tier.ms;
}

/** The ISO key of the `tier` bucket containing `ms`, as stored in its table. */
export function bucketKey(ms: number, tier: RollupTier): string {
  return toIso(bucketStart(ms, tier));
}

/**
 * The ranges that cover a window with the fewest rows, oldest first. The window covers the same
 * minute rows as ever: from the minute containing `from` up to the last minute starting before
 * `to`. `tiers` is finest first and must start with the minute tier.
 */
export function planRanges(window: { from: string; to: string }, tiers: readonly RollupTier[] = ROLLUP_TIERS): RollupRange[] {
  const finest = tiers[0];
  if (!finest) return [];
  const from = bucketStart(Date.parse(window.from), finest);
  const to = Math.ceil(Date.parse(window.to) / finest.ms) * finest.ms;
  if (!(from < to)) return [];
  return split(from, to, tiers, tiers.length - 1);
}

/** The whole `tiers[level]` buckets inside [from, to), and the edges from the finer tiers. */
function split(from: number, to: number, tiers: readonly RollupTier[], level: number): RollupRange[] {
  const tier = tiers[level] as RollupTier;
  if (level === 0) return [{ tier, from, to }];
  const start = Math.ceil(from / tier.ms) * tier.ms;
  const end = Math.floor(to / tier.ms) * tier.ms;
  if (!(start < end)) return split(from, to, tiers, level - 1);
  return [...(from < start ? split(from, start, tiers, level - 1) : []), { tier, from: start, to: end }, ...(end < to ? split(end, to, tiers, level - 1) : [])];
}

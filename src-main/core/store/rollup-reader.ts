/**
 * Reads rollups over a window through the tiers (rollup-tiers.ts `planRanges`): day rows for
 * whole days, hour rows for whole hours at the edges, minute rows for the partial hours. The rows
 * are sums and mergeable histograms, so the result is the one the minute rows alone give —
 * counts and percentiles exactly, float sums (spend, latency) up to summation order.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { toIso } from './clock';
import { HOUR_TIER, MINUTE_TIER, planRanges, ROLLUP_TIERS } from './rollup-tiers';
import type { RollupTier } from './rollup-tiers';
import { RollupTotals, SUMMARY_COLUMNS, SUMMED_COLUMNS } from './rollup-totals';

/** Which rows a read may use: every tier (the default), or minute rows only (the reference the tiers are tested and benchmarked against). */
export type RollupSource = 'tiers' | 'minutes';

type Query = 'agent' | 'fleet' | 'series';

/** Totals per agent or per bucket over a window. */
export class RollupReader {
  private readonly statements = new Map<string, Statement>();
  private readonly tiers: readonly RollupTier[];

  constructor(
    private readonly sql: BetterSqlite3.Database,
    source: RollupSource = 'tiers',
  ) {
    this.tiers = source === 'minutes' ? [MINUTE_TIER] : ROLLUP_TIERS;
  }

  /** One agent's totals over the window. */
  agent(agentId: string, window: { from: string; to: string }): RollupTotals {
    const total = new RollupTotals();
    for (const range of planRanges(window, this.tiers)) {
      for (const row of this.statement('agent', range.tier).iterate(agentId, toIso(range.from), toIso(range.to)) as Iterable<unknown[]>) total.add(row);
    }
    return total;
  }

  /** Totals of every agent with rollups in the window: one grouped row per agent and range. */
  fleet(window: { from: string; to: string }): Map<string, RollupTotals> {
    const totals = new Map<string, RollupTotals>();
    for (const range of planRanges(window, this.tiers)) {
      for (const row of this.statement('fleet', range.tier).iterate(toIso(range.from), toIso(range.to)) as Iterable<unknown[]>) {
        const agentId = row[0] as string;
        let total = totals.get(agentId);
        if (!total) totals.set(agentId, (total = new RollupTotals()));
        total.add(row, 1);
      }
    }
    return totals;
  }

  /** One agent's totals per bucket of `bucketTier` (minute or hour) over the window, oldest first. */
  series(agentId: string, window: { from: string; to: string }, bucketTier: RollupTier): { start: number; total: RollupTotals }[] {
    // Only tiers no coarser than the bucket: a day row cannot be split into hours.
    const tiers = this.tiers.filter((tier) => tier.ms <= bucketTier.ms);
    const buckets: { start: number; total: RollupTotals }[] = [];
    for (const range of planRanges(window, tiers)) {
      for (const row of this.statement('series', range.tier).iterate(agentId, toIso(range.from), toIso(range.to)) as Iterable<unknown[]>) {
        const start = Math.floor(Date.parse(row[0] as string) / bucketTier.ms) * bucketTier.ms;
        // Ranges come oldest first and rows in bucket order, so a bucket's rows are adjacent.
        let last = buckets[buckets.length - 1];
        if (last?.start !== start) buckets.push((last = { start, total: new RollupTotals() }));
        last.total.add(row, 1);
      }
    }
    return buckets;
  }

  private statement(query: Query, tier: RollupTier): Statement {
    const cacheKey = `${query}:${tier.name}`;
    let statement = this.statements.get(cacheKey);
    if (!statement) {
      const range = `${tier.key} >= ? AND ${tier.key} < ?`;
      // Sums, min/max and the joined histograms come out of SQLite per agent: crossing into
      // JavaScript once per agent instead of once per row is most of the fleet read's speed.
      // `agent_id IN (agents)` makes SQLite read each agent's rows as one primary-key range (rows
      // are clustered by agent), already in GROUP BY order, instead of hopping from the bucket
      // index into the table per row.
      const text =
        query === 'agent'
          ? `SELECT ${SUMMED_COLUMNS} FROM ${tier.table} WHERE agent_id = ? AND ${range} GROUP BY agent_id`
          : query === 'fleet'
            ? `SELECT agent_id, ${SUMMED_COLUMNS} FROM ${tier.table} WHERE agent_id IN (SELECT id FROM agents) AND ${range} GROUP BY agent_id`
            : `SELECT ${tier.key}, ${SUMMARY_COLUMNS} FROM ${tier.table} WHERE agent_id = ? AND ${range} ORDER BY ${tier.key}`;
      statement = this.sql.prepare(text).raw();
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}

/** The tier whose buckets a series groups by. */
export function seriesTier(granularity: 'minute' | 'hour'): RollupTier {
  return granularity === 'hour' ? HOUR_TIER : MINUTE_TIER;
}

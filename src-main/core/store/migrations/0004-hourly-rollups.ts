/**
 * Migration 4: 10-minute, hourly and daily telemetry rollups beside the per-minute ones, so a
 * day or a month of a large fleet is read from a few rows per agent instead of 1,440 per day
 * (rollup-tiers.ts). Same columns as telemetry_rollups, histogram included, so any window's
 * percentiles are exactly those of its minutes. Filled here from the existing minute rows (each
 * tier from the one below), in the migration's own transaction; from then on the ingest writes
 * all four in one transaction. Frozen once released.
 */

/** The one timestamp format, as a CHECK on `column` (the same pattern as migration 1). */
const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

/** A rollup table keyed by `key`, whose values end in `tail` (the bucket start: a whole hour or day). */
const rollupTable = (table: string, key: string, tail: string): string => `
CREATE TABLE ${table} (
  agent_id       TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  ${key}         TEXT NOT NULL ${iso(key)} CHECK (substr(${key}, ${25 - tail.length}) = '${tail}'),
  requests       INTEGER NOT NULL DEFAULT 0,
  errors         INTEGER NOT NULL DEFAULT 0,
  tokens_in      INTEGER NOT NULL DEFAULT 0,
  tokens_out     INTEGER NOT NULL DEFAULT 0,
  cost_usd       REAL NOT NULL DEFAULT 0,
  latency_sum_ms REAL NOT NULL DEFAULT 0,
  latency_min_ms REAL,
  latency_max_ms REAL,
  latency_histogram TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(latency_histogram)),
  PRIMARY KEY (agent_id, ${key})
) STRICT, WITHOUT ROWID;
-- Retention deletes by bucket across agents.
CREATE INDEX ${table}_${key} ON ${table} (${key});
`;

/**
 * Fills `target` from the finer `source`: a bucket is the source keys sharing their first `keep`
 * characters, stored as that prefix plus `tail`. Sums add up; histograms merge bucket by bucket
 * (json_each), skipping the entries the readers skip (latency-histogram.ts fromStored: not a
 * bucket 0…192, or not a positive count). The histogram of each bucket is its own small
 * subquery over that bucket's primary-key range — half the time of one big GROUP BY over every
 * histogram entry (14 M for a day of 1,000 agents).
 */
const backfill = (target: string, targetKey: string, source: string, sourceKey: string, keep: number, tail: string): string => `
INSERT INTO ${target} (agent_id, ${targetKey}, requests, errors, tokens_in, tokens_out, cost_usd, latency_sum_ms, latency_min_ms, latency_max_ms, latency_histogram)
SELECT bucket.agent_id, bucket.prefix || '${tail}', bucket.requests, bucket.errors, bucket.tokens_in, bucket.tokens_out, bucket.cost_usd, bucket.latency_sum_ms,
       bucket.latency_min_ms, bucket.latency_max_ms,
       (SELECT coalesce(json_group_object(CAST(slot AS TEXT), count), '{}')
        FROM (SELECT CAST(entry.key AS INTEGER) AS slot, sum(entry.value) AS count
              FROM ${source} AS fine, json_each(fine.latency_histogram) AS entry
              -- char(127) sorts after every character of a timestamp: the range is "starts with prefix".
              WHERE fine.agent_id = bucket.agent_id AND fine.${sourceKey} >= bucket.prefix AND fine.${sourceKey} < bucket.prefix || char(127)
                AND entry.type IN ('integer', 'real') AND entry.value > 0
                AND CAST(CAST(entry.key AS INTEGER) AS TEXT) = entry.key AND CAST(entry.key AS INTEGER) BETWEEN 0 AND 192
              GROUP BY slot ORDER BY slot))
FROM (
  SELECT agent_id, substr(${sourceKey}, 1, ${keep}) AS prefix, sum(requests) AS requests, sum(errors) AS errors,
         sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out, sum(cost_usd) AS cost_usd, sum(latency_sum_ms) AS latency_sum_ms,
         min(latency_min_ms) AS latency_min_ms, max(latency_max_ms) AS latency_max_ms
  FROM ${source} GROUP BY agent_id, prefix
) AS bucket;
`;

/** SQL of migration 4. */
export const MIGRATION_0004_HOURLY_ROLLUPS = `
-- Per agent and 10 minutes / UTC hour / UTC day: the sums of that bucket's minute rows
-- (migration 1's telemetry_rollups). Kept at least as long as the minute rows (retention.ts).
${rollupTable('telemetry_rollups_10min', 'minute', '0:00.000Z')}
${rollupTable('telemetry_rollups_hourly', 'hour', ':00:00.000Z')}
${rollupTable('telemetry_rollups_daily', 'day', 'T00:00:00.000Z')}
${backfill('telemetry_rollups_10min', 'minute', 'telemetry_rollups', 'minute', 15, '0:00.000Z')}
${backfill('telemetry_rollups_hourly', 'hour', 'telemetry_rollups_10min', 'minute', 13, ':00:00.000Z')}
${backfill('telemetry_rollups_daily', 'day', 'telemetry_rollups_hourly', 'hour', 10, 'T00:00:00.000Z')}
`;

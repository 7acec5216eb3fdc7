/**
 * Migration 7: budget overrides — limits an admin approved for a running version from the console
 * ("Approve budget increase", seed 002 #11 and #24) without a redeploy. One row per deployment
 * (the running version on one target): the latest approval wins and lasts as long as the
 * deployment — replica restarts, stop and start keep it; a new deploy or a rollback is a new
 * deployment and starts from the budget it was deployed with. Every approval is also an audit_log
 * row (`budget:raise`), which is the history. Frozen once released.
 */

/** The one timestamp format (the same pattern as migration 1). */
const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

/** SQL of migration 7. */
export const MIGRATION_0007_BUDGET_OVERRIDES = `
CREATE TABLE budget_overrides (
  deployment_id      TEXT PRIMARY KEY REFERENCES deployments (id) ON DELETE CASCADE,
  agent_id           TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  version_id         TEXT NOT NULL REFERENCES agent_versions (id) ON DELETE CASCADE,
  -- US dollars per replica, as runtime.json's budget.limitUsd.
  limit_usd          REAL NOT NULL CHECK (limit_usd >= 0 AND limit_usd <= 1000000),
  -- The limit it replaced (runtime.json's, or an earlier override), null when there was none.
  previous_limit_usd REAL CHECK (previous_limit_usd IS NULL OR previous_limit_usd >= 0),
  approved_by        TEXT NOT NULL CHECK (length(approved_by) BETWEEN 1 AND 200),
  approved_at        TEXT NOT NULL ${iso('approved_at')}
) STRICT;
CREATE INDEX budget_overrides_agent ON budget_overrides (agent_id);
`;

/**
 * Approved budget limits per deployment (migration 7): what the console's "Approve budget
 * increase" stores, so the raised limit is on record (who, when, from what) and lasts as long as
 * the deployment. The running replicas get it through their config bundle's budget.json
 * (controller/budget-overrides.ts); this table is where the console reads it back.
 */
import type { StoreDatabase } from './database';

export interface BudgetOverride {
  deploymentId: string;
  agentId: string;
  versionId: string;
  limitUsd: number;
  previousLimitUsd: number | null;
  approvedBy: string;
  approvedAt: string;
}

interface BudgetOverrideRow {
  deployment_id: string;
  agent_id: string;
  version_id: string;
  limit_usd: number;
  previous_limit_usd: number | null;
  approved_by: string;
  approved_at: string;
}

const toOverride = (row: BudgetOverrideRow): BudgetOverride => ({
  deploymentId: row.deployment_id,
  agentId: row.agent_id,
  versionId: row.version_id,
  limitUsd: row.limit_usd,
  previousLimitUsd: row.previous_limit_usd,
  approvedBy: row.approved_by,
  approvedAt: row.approved_at,
});

/** Reads and writes `budget_overrides`. */
export class BudgetOverridesRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Stores the approved limit of a deployment, replacing an earlier approval of it. */
  set(input: Omit<BudgetOverride, 'approvedAt'>): BudgetOverride {
    const approvedAt = this.db.now();
    this.db.write(() =>
      this.db.sql
        .prepare(
          `INSERT INTO budget_overrides (deployment_id, agent_id, version_id, limit_usd, previous_limit_usd, approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (deployment_id) DO UPDATE SET limit_usd = excluded.limit_usd, previous_limit_usd = excluded.previous_limit_usd,
             approved_by = excluded.approved_by, approved_at = excluded.approved_at`,
        )
        .run(input.deploymentId, input.agentId, input.versionId, input.limitUsd, input.previousLimitUsd, input.approvedBy, approvedAt),
    );
    return { ...input, approvedAt };
  }

  /** The approved limit of a deployment, if any. */
  get(deploymentId: string): BudgetOverride | undefined {
    const row = this.db.sql.prepare('SELECT * FROM budget_overrides WHERE deployment_id = ?').get(deploymentId) as BudgetOverrideRow | undefined;
    return row ? toOverride(row) : undefined;
  }

  /** Every approval of an agent's deployments, newest first. */
  listForAgent(agentId: string): BudgetOverride[] {
    return (this.db.sql.prepare('SELECT * FROM budget_overrides WHERE agent_id = ? ORDER BY approved_at DESC').all(agentId) as BudgetOverrideRow[]).map(toOverride);
  }
}

/**
 * Approved budget increases for running agents (seed 002 #11 "Approve $25 increase", #24): the
 * new limit is stored per deployment (store/budget-overrides-repository.ts), written into each live
 * deployment's config dir as budget.json — the runtime's reloadable budget, beside keys.json and
 * secrets.json — and the target is asked to reload (SIGUSR1; Docker re-copies the config volume
 * first). No redeploy, no restart: the next model call is measured against the new limit.
 *
 * Decisions:
 * - Scope is the agent's active deployments (every target it runs on); each keeps its own
 *   previous limit in the record. A new deploy or rollback is a new deployment and starts from the
 *   budget it is deployed with.
 * - Whether a limit may be set (an increase, a budget to raise at all) is the caller's rule (the
 *   console's `budget:raise`); this module applies, records and audits.
 * - Every approval is audited (`budget:raise`) with the previous and new limit, per deployment,
 *   including a failed reload (the file is written and applies on the replica's next start).
 */
import { CoreError, errorMessage, requireTarget } from '../contracts';
import type { Target, TargetKind } from '../contracts';
import type { Repositories } from '../store';
import { BudgetOverridesRepository } from '../store/budget-overrides-repository';
import type { StoreDatabase } from '../store/database';
import { deploymentConfigDir, readRuntimeSettings, writeBudgetFile } from './deployment-config';
import type { OperationCaller } from './agent-operations';

/** The budget one live deployment enforces now. */
export interface DeploymentBudget {
  deploymentId: string;
  agentId: string;
  version: string;
  versionId: string;
  target: TargetKind;
  /** Replicas wanted: each enforces the limit on its own spend. */
  replicas: number;
  /** USD per replica; null without a limit. */
  limitUsd: number | null;
  /** Where the limit comes from: an approved increase, the deploy's runtime.json, or none. */
  source: 'override' | 'deploy' | 'none';
  approvedBy?: string;
  approvedAt?: string;
}

export interface BudgetRaiseOutcome {
  agent: string;
  limitUsd: number;
  deployments: { deploymentId: string; version: string; target: TargetKind; previousLimitUsd: number | null; reloaded: boolean; error?: string }[];
}

export interface BudgetOverridesOptions {
  db: StoreDatabase;
  repositories: Repositories;
  targets: Partial<Record<TargetKind, Target>>;
  dataDir: string;
}

/** Reads and applies approved budget limits. */
export class BudgetOverrides {
  private readonly overrides: BudgetOverridesRepository;

  constructor(private readonly options: BudgetOverridesOptions) {
    this.overrides = new BudgetOverridesRepository(options.db);
  }

  /** The budget each active deployment of the agent enforces (an approved override, else runtime.json's); none when it has no active deployment. */
  async current(agentName: string): Promise<DeploymentBudget[]> {
    const { agent, deployments } = this.live(agentName, { required: false });
    const repos = this.options.repositories;
    return Promise.all(
      deployments.map(async (deployment): Promise<DeploymentBudget> => {
        const base = { deploymentId: deployment.id, agentId: agent.id, versionId: deployment.versionId, version: repos.versions.get(deployment.versionId)?.label ?? '?', target: deployment.targetKind, replicas: deployment.replicas };
        const override = this.overrides.get(deployment.id);
        if (override) return { ...base, limitUsd: override.limitUsd, source: 'override', approvedBy: override.approvedBy, approvedAt: override.approvedAt };
        const limit = (await readRuntimeSettings(deploymentConfigDir(this.options.dataDir, deployment.id)))?.budget?.limitUsd;
        return typeof limit === 'number' ? { ...base, limitUsd: limit, source: 'deploy' } : { ...base, limitUsd: null, source: 'none' };
      }),
    );
  }

  /** Sets the limit of every active deployment of the agent, reloads their replicas and audits it. */
  async raise(agentName: string, limitUsd: number, caller: OperationCaller): Promise<BudgetRaiseOutcome> {
    if (!(limitUsd >= 0) || !Number.isFinite(limitUsd)) throw new RangeError(`limitUsd must be a non-negative number, got ${limitUsd}`);
    this.live(agentName, { required: true });
    const before = await this.current(agentName);
    const outcome: BudgetRaiseOutcome = { agent: agentName, limitUsd, deployments: [] };
    for (const deployment of before) {
      const record = this.overrides.set({
        deploymentId: deployment.deploymentId,
        agentId: deployment.agentId,
        versionId: deployment.versionId,
        limitUsd,
        previousLimitUsd: deployment.limitUsd,
        approvedBy: caller.actor,
      });
      const configDir = deploymentConfigDir(this.options.dataDir, deployment.deploymentId);
      const row: BudgetRaiseOutcome['deployments'][number] = { deploymentId: deployment.deploymentId, version: deployment.version, target: deployment.target, previousLimitUsd: deployment.limitUsd, reloaded: true };
      try {
        await writeBudgetFile(configDir, { limitUsd, approvedBy: caller.actor, approvedAt: record.approvedAt });
        await requireTarget(this.options.targets, deployment.target).reload(deployment.deploymentId);
      } catch (error) {
        row.reloaded = false;
        row.error = errorMessage(error);
      }
      this.options.repositories.audit.record({
        actor: caller.actor,
        role: caller.role ?? 'admin',
        action: 'budget:raise',
        target: `agent:${agentName}`,
        success: row.reloaded,
        ...(row.error ? { error: row.error } : {}),
        details: { deploymentId: deployment.deploymentId, version: deployment.version, target: deployment.target, previousLimitUsd: deployment.limitUsd, limitUsd },
      });
      outcome.deployments.push(row);
    }
    return outcome;
  }

  private live(agentName: string, options: { required: boolean }) {
    const repos = this.options.repositories;
    const agent = repos.agents.findByName(agentName);
    if (!agent) throw new CoreError('E2004', `No agent named ${agentName}; it may have been deleted — refresh the fleet.`);
    const deployments = repos.deployments.list({ agentId: agent.id, states: ['active'] });
    if (deployments.length === 0 && options.required) throw new CoreError('E2023', `${agentName} has no active deployment whose budget could change; deploy it first.`);
    return { agent, deployments };
  }
}

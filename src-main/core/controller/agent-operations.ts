/**
 * What an operator does to a deployed agent besides deploying it: stop, start, restart, suspend,
 * resume, delete, read its logs, and push changed keys and secrets to running replicas.
 *
 * Decisions:
 * - Lifecycle acts on the agent's active deployment on each target (or the one target named).
 *   The store keeps which version is current (`active`); whether its replicas run, are stopped or
 *   suspended is the target's persisted desired state, so a stopped agent stays stopped across a
 *   console restart and reconcile does not bring it back.
 * - Delete removes the agent's deployments from their targets and marks them `deleted`; versions,
 *   keys, secrets and the audit trail stay (versions are immutable history), so `agentdock deploy`
 *   or a rollback brings the agent back.
 * - Config rollout rewrites keys.json and secrets.json in each live deployment's config dir (atomic
 *   renames) and asks the target to reload (SIGUSR1; Docker re-copies the config volume first).
 *   The JWT secret and the control token a deployment was started with are kept as they are.
 * - Every mutation is audited with actor, role, target, success and error.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CoreError, errorMessage, requireTarget } from '../contracts';
import type { Disposable, LogLine, LogOptions, Target, TargetKind } from '../contracts';
import type { Repositories } from '../store';
import type { Deployment } from '../store/deployments-repository';
import { IN_FLIGHT_STATES } from '../store/deployments-repository';
import type { Vault } from '../vault';
import { deploymentConfigDir, readSecretsFile, writeKeysFile, writeSecretsFile } from './deployment-config';
import { resolveRuntimeSecrets } from './runtime-secrets';

export const LIFECYCLE_ACTIONS = ['stop', 'start', 'restart', 'suspend', 'resume', 'delete'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Who asks; only admins change running agents. */
export interface OperationCaller {
  actor: string;
  role?: string;
}

export interface LifecycleOutcome {
  agent: string;
  version: string;
  target: TargetKind;
  deploymentId: string;
  action: LifecycleAction;
}

export interface RolloutOutcome {
  agent: string;
  deploymentId: string;
  target: TargetKind;
  /** False when the target could not be reached: the new files are written and apply on its next start. */
  reloaded: boolean;
  error?: string;
}

export interface AgentOperationsOptions {
  repositories: Repositories;
  targets: Partial<Record<TargetKind, Target>>;
  dataDir: string;
  /** Opened on first use: lifecycle and logs need no master key. */
  vault: () => Vault;
}

/** Lifecycle, logs and config rollout for deployed agents. */
export class AgentOperations {
  constructor(private readonly options: AgentOperationsOptions) {}

  /** Applies a lifecycle action to the agent's active deployments (on `target`, or on every target). */
  async lifecycle(agentName: string, action: LifecycleAction, caller: OperationCaller & { target?: TargetKind }): Promise<LifecycleOutcome[]> {
    const repos = this.options.repositories;
    if ((caller.role ?? 'admin') !== 'admin') {
      const denied = new CoreError('E2040', `Only admins may ${action} agents; ${caller.actor} is ${caller.role}.`);
      this.audit(caller, `agent:${action}`, `agent:${agentName}`, false, {}, denied);
      throw denied;
    }
    const agent = repos.agents.findByName(agentName);
    if (!agent) throw new CoreError('E2004', `No agent named ${agentName}; see agentdock status.`);
    if (action === 'delete') {
      const inFlight = repos.deployments.list({ agentId: agent.id, states: IN_FLIGHT_STATES, ...(caller.target ? { targetKind: caller.target } : {}) });
      if (inFlight.length) throw new CoreError('E2005', `${agentName} has a deploy in progress (${inFlight.map((d) => d.id).join(', ')}); wait for it to finish, then delete.`);
    }
    const deployments = repos.deployments.list({ agentId: agent.id, states: action === 'delete' ? ['active', 'stopped'] : ['active'], ...(caller.target ? { targetKind: caller.target } : {}) });
    if (!deployments.length) {
      const where = caller.target ? ` on the ${caller.target} target` : '';
      throw new CoreError('E2023', `${agentName} has no active deployment${where} to ${action}; deploy it with agentdock deploy.`);
    }
    const outcomes: LifecycleOutcome[] = [];
    for (const deployment of deployments) {
      const version = repos.versions.get(deployment.versionId)?.label ?? '?';
      const details = { deploymentId: deployment.id, version, target: deployment.targetKind };
      try {
        await this.apply(deployment, action);
        this.audit(caller, `agent:${action}`, `agent:${agentName}`, true, details);
      } catch (error) {
        this.audit(caller, `agent:${action}`, `agent:${agentName}`, false, details, error);
        throw error instanceof CoreError ? error : new CoreError('E2020', `Could not ${action} ${agentName} ${version} on ${deployment.targetKind}: ${errorMessage(error)}`, details);
      }
      outcomes.push({ agent: agentName, version, target: deployment.targetKind, deploymentId: deployment.id, action });
    }
    return outcomes;
  }

  /** Log lines of the agent's active deployment (recent `tail`, then new ones while `follow`). */
  logs(agentName: string, options: LogOptions & { target?: TargetKind }, onLine: (line: LogLine & { version: string }) => void): Disposable {
    const repos = this.options.repositories;
    const agent = repos.agents.findByName(agentName);
    if (!agent) throw new CoreError('E2004', `No agent named ${agentName}; see agentdock status.`);
    const deployments = repos.deployments.list({ agentId: agent.id, states: ['active'], ...(options.target ? { targetKind: options.target } : {}) });
    if (!deployments.length) throw new CoreError('E2023', `${agentName} has no active deployment${options.target ? ` on ${options.target}` : ''}; its logs went with it.`);
    // Without follow, the reader is told once when every deployment's lines are in (or the first failure).
    let pending = deployments.length;
    let ended = false;
    const onEnd = (error?: Error): void => {
      if (ended) return;
      if (error || --pending === 0) {
        ended = true;
        options.onEnd?.(error);
      }
    };
    const streams = deployments.map((deployment) => {
      const version = repos.versions.get(deployment.versionId)?.label ?? '?';
      const perTarget: LogOptions = { follow: Boolean(options.follow), onEnd, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
      return requireTarget(this.options.targets, deployment.targetKind).logs(deployment.id, perTarget, (line) => onLine({ ...line, version }));
    });
    return { dispose: () => streams.forEach((stream) => stream.dispose()) };
  }

  /**
   * Rewrites keys.json (`keys`) or secrets.json (`secrets`) of every live deployment of the agent
   * (or of every agent, for a global secret) and reloads its replicas: rotation without a restart.
   * Keys need no master key; secrets are resolved from the vault.
   */
  async rolloutConfig(what: 'keys' | 'secrets', scope: { agentId?: string }, caller: OperationCaller): Promise<RolloutOutcome[]> {
    const repos = this.options.repositories;
    const live = repos.deployments.list({ states: ['active'], ...(scope.agentId ? { agentId: scope.agentId } : {}) });
    const outcomes: RolloutOutcome[] = [];
    for (const deployment of live) {
      const agent = repos.agents.get(deployment.agentId);
      const configDir = deploymentConfigDir(this.options.dataDir, deployment.id);
      const current = await readSecretsFile(configDir);
      if (!current) continue; // Not this machine's deployment dir (or already removed): nothing to rewrite.
      if (what === 'keys') await writeKeysFile(configDir, repos.apiKeys.keysFile(deployment.agentId));
      else {
        const secrets = await resolveRuntimeSecrets(this.options.vault(), {
          agentId: deployment.agentId,
          environment: deployment.environment,
          actor: caller.actor,
          ...(current.jwtSecret ? { jwtSecret: current.jwtSecret } : {}),
          ...(current.controlToken ? { controlToken: current.controlToken } : {}),
        });
        await writeSecretsFile(configDir, secrets);
      }
      const outcome: RolloutOutcome = { agent: agent?.name ?? deployment.agentId, deploymentId: deployment.id, target: deployment.targetKind, reloaded: true };
      try {
        await requireTarget(this.options.targets, deployment.targetKind).reload(deployment.id);
      } catch (error) {
        outcome.reloaded = false;
        outcome.error = errorMessage(error);
      }
      this.audit(caller, `${what}:rollout`, `agent:${outcome.agent}`, outcome.reloaded, { deploymentId: deployment.id }, outcome.error);
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private async apply(deployment: Deployment, action: LifecycleAction): Promise<void> {
    const target = requireTarget(this.options.targets, deployment.targetKind);
    switch (action) {
      case 'delete':
        await target.delete(deployment.id);
        this.options.repositories.deployments.update(deployment.id, { status: 'deleted', endpoint: null });
        await rm(path.dirname(deploymentConfigDir(this.options.dataDir, deployment.id)), { recursive: true, force: true });
        return;
      default:
        await target[action](deployment.id);
    }
  }

  private audit(caller: OperationCaller, action: string, target: string, success: boolean, details: Record<string, unknown>, error?: unknown): void {
    this.options.repositories.audit.record({
      actor: caller.actor,
      role: caller.role ?? 'admin',
      action,
      target,
      success,
      ...(error ? { error: errorMessage(error) } : {}),
      details,
    });
  }
}


/**
 * Deployments: a version of an agent on a target, and where it is in its life. At most one is
 * `active` per agent and target (a partial unique index), so a blue/green switch is one
 * transaction that supersedes the old deployment and activates the new one.
 */
import { CoreError } from '../contracts';
import type { TargetKind, TrustLevel } from '../contracts';
import type { StoreDatabase } from './database';
import type { Environment } from './environments';
import { newId } from './ids';
import { deploymentResource, OperationOwnersRepository } from './operation-owners-repository';
import type { OperationOwner } from './operation-owners-repository';
import { isForeignKeyViolation, uniqueViolation } from './sqlite-errors';

// Re-exported so the store's index (which lists whole modules) carries the owners too.
export { deploymentResource, idempotencyResource, OperationOwnersRepository, sameOwner } from './operation-owners-repository';
export type { OperationOwner, OwnerRecord } from './operation-owners-repository';

export const DEPLOYMENT_STATES = ['pending', 'building', 'starting', 'healthy', 'active', 'failed', 'rolled_back', 'stopped', 'superseded', 'deleted'] as const;

/** Where a deployment is in its life; `healthy` passed the health gate, `active` serves traffic. */
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** States a deploy passes through before it is active or failed: what reconcile finishes or rolls back. */
export const IN_FLIGHT_STATES: readonly DeploymentState[] = ['pending', 'building', 'starting', 'healthy'];

export interface Deployment {
  id: string;
  agentId: string;
  versionId: string;
  targetKind: TargetKind;
  /** Which engine or cluster ('' for the local process target). */
  targetRef: string;
  environment: Environment;
  status: DeploymentState;
  endpoint?: string;
  replicas: number;
  trust: TrustLevel;
  error?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  activatedAt?: string;
}

export interface NewDeployment {
  agentId: string;
  versionId: string;
  targetKind: TargetKind;
  targetRef?: string;
  environment: Environment;
  replicas: number;
  trust: TrustLevel;
  createdBy: string;
  status?: DeploymentState;
  /** The process running this deploy, recorded in the same transaction as the row (reconcile needs it). */
  owner?: OperationOwner;
}

/** Fields a deployment's progress changes; `null` clears endpoint or error. */
export interface DeploymentChanges {
  status?: DeploymentState;
  endpoint?: string | null;
  error?: string | null;
  replicas?: number;
}

interface DeploymentRow {
  id: string;
  agent_id: string;
  version_id: string;
  target_kind: TargetKind;
  target_ref: string;
  environment: Environment;
  status: DeploymentState;
  endpoint: string | null;
  replicas: number;
  trust: TrustLevel;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  activated_at: string | null;
}

const toDeployment = (row: DeploymentRow): Deployment => ({
  id: row.id,
  agentId: row.agent_id,
  versionId: row.version_id,
  targetKind: row.target_kind,
  targetRef: row.target_ref,
  environment: row.environment,
  status: row.status,
  ...(row.endpoint !== null ? { endpoint: row.endpoint } : {}),
  replicas: row.replicas,
  trust: row.trust,
  ...(row.error !== null ? { error: row.error } : {}),
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  ...(row.activated_at !== null ? { activatedAt: row.activated_at } : {}),
});

/** Reads and writes the `deployments` table. */
export class DeploymentsRepository {
  /** Who runs each deploy in progress (and each pending idempotency key). */
  readonly owners: OperationOwnersRepository;

  constructor(private readonly db: StoreDatabase) {
    this.owners = new OperationOwnersRepository(db);
  }

  /** Records a new deployment (status `pending` unless given). */
  create(input: NewDeployment): Deployment {
    const now = this.db.now();
    const row: DeploymentRow = {
      id: newId('dep', this.db.clock),
      agent_id: input.agentId,
      version_id: input.versionId,
      target_kind: input.targetKind,
      target_ref: input.targetRef ?? '',
      environment: input.environment,
      status: input.status ?? 'pending',
      endpoint: null,
      replicas: input.replicas,
      trust: input.trust,
      error: null,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
      activated_at: input.status === 'active' ? now : null,
    };
    try {
      // One transaction: a deployment in progress never exists without its owner.
      this.db.write(() => {
        this.db.sql
          .prepare(
            `INSERT INTO deployments (id, agent_id, version_id, target_kind, target_ref, environment, status, endpoint, replicas, trust, error, created_by, created_at, updated_at, activated_at)
             VALUES (@id, @agent_id, @version_id, @target_kind, @target_ref, @environment, @status, @endpoint, @replicas, @trust, @error, @created_by, @created_at, @updated_at, @activated_at)`,
          )
          .run(row);
        if (input.owner) this.owners.claim(deploymentResource(row.id), input.owner);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new CoreError('E2003', `Version ${input.versionId} does not exist or belongs to another agent.`, { versionId: input.versionId, agentId: input.agentId });
      throw this.activeConflict(error, input.agentId);
    }
    return toDeployment(row);
  }

  get(id: string): Deployment | undefined {
    const row = this.db.sql.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRow | undefined;
    return row && toDeployment(row);
  }

  /** Like get, or E2023 when there is no such deployment. */
  require(id: string): Deployment {
    const deployment = this.get(id);
    if (!deployment) throw new CoreError('E2023', `No deployment with id ${id}.`, { id });
    return deployment;
  }

  /** Deployments newest first, filtered by agent, states and target kind. */
  list(filter: { agentId?: string; states?: readonly DeploymentState[]; targetKind?: TargetKind; limit?: number } = {}): Deployment[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.agentId !== undefined) {
      where.push('agent_id = ?');
      values.push(filter.agentId);
    }
    if (filter.states?.length) {
      where.push(`status IN (${filter.states.map(() => '?').join(', ')})`);
      values.push(...filter.states);
    }
    if (filter.targetKind !== undefined) {
      where.push('target_kind = ?');
      values.push(filter.targetKind);
    }
    const sql = `SELECT * FROM deployments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
    if (filter.limit !== undefined) values.push(filter.limit);
    return (this.db.sql.prepare(sql).all(...values) as DeploymentRow[]).map(toDeployment);
  }

  /** The active deployment of an agent on a target. */
  active(agentId: string, targetKind: TargetKind, targetRef = ''): Deployment | undefined {
    const row = this.db.sql.prepare("SELECT * FROM deployments WHERE agent_id = ? AND target_kind = ? AND target_ref = ? AND status = 'active'").get(agentId, targetKind, targetRef) as DeploymentRow | undefined;
    return row && toDeployment(row);
  }

  /** Deploys that had not finished (reconcile on start-up finishes or rolls them back). */
  inFlight(): Deployment[] {
    return this.list({ states: IN_FLIGHT_STATES });
  }

  /**
   * The most recently activated deployment of the agent on the target other than `excludeId`:
   * the version an automatic rollback returns to.
   */
  lastActivated(agentId: string, targetKind: TargetKind, targetRef = '', excludeId?: string): Deployment | undefined {
    const row = this.db.sql
      .prepare('SELECT * FROM deployments WHERE agent_id = ? AND target_kind = ? AND target_ref = ? AND activated_at IS NOT NULL AND id IS NOT ? ORDER BY activated_at DESC, id DESC LIMIT 1')
      .get(agentId, targetKind, targetRef, excludeId ?? null) as DeploymentRow | undefined;
    return row && toDeployment(row);
  }

  /** Applies progress to a deployment. Setting `active` this way is refused: use activate(). */
  update(id: string, changes: DeploymentChanges): Deployment {
    if (changes.status === 'active') throw new CoreError('E2023', 'Use activate() to make a deployment active: it supersedes the previous one in the same transaction.');
    return this.db.write(() => {
      const current = this.require(id);
      if (current.status === 'deleted' && changes.status !== undefined && changes.status !== 'deleted') {
        throw new CoreError('E2023', `Deployment ${id} was deleted; deploy again instead.`, { id });
      }
      const assignments: string[] = ['updated_at = @updated_at'];
      const values: Record<string, unknown> = { id, updated_at: this.db.now() };
      // The field names are the column names.
      for (const field of ['status', 'endpoint', 'error', 'replicas'] as const) {
        if (changes[field] === undefined) continue;
        assignments.push(`${field} = @${field}`);
        values[field] = changes[field];
      }
      this.db.sql.prepare(`UPDATE deployments SET ${assignments.join(', ')} WHERE id = @id`).run(values);
      return this.require(id);
    });
  }

  /**
   * Makes the deployment the active one on its target: the previous active deployment becomes
   * `superseded` in the same transaction, so there is never zero or two active rows in between.
   */
  activate(id: string): { deployment: Deployment; previous?: Deployment } {
    return this.db.write(() => {
      const target = this.require(id);
      if (target.status === 'deleted' || target.status === 'failed') throw new CoreError('E2023', `Deployment ${id} is ${target.status} and cannot become active.`, { id });
      const now = this.db.now();
      const previous = this.active(target.agentId, target.targetKind, target.targetRef);
      if (previous && previous.id !== id) {
        this.db.sql.prepare("UPDATE deployments SET status = 'superseded', updated_at = ? WHERE id = ?").run(now, previous.id);
      }
      this.db.sql.prepare("UPDATE deployments SET status = 'active', error = NULL, updated_at = ?, activated_at = ? WHERE id = ?").run(now, now, id);
      const deployment = this.require(id);
      return previous && previous.id !== id ? { deployment, previous: this.require(previous.id) } : { deployment };
    });
  }

  private activeConflict(error: unknown, agentId: string): unknown {
    if (uniqueViolation(error)?.includes('deployments.target_kind')) {
      return new CoreError('E2005', 'The agent already has an active deployment on this target; activate the new one with activate() so the old one is superseded.', { agentId });
    }
    return error;
  }
}

/**
 * Start-up reconcile (issue 4, README.md "Reconcile"): makes the targets and the data dir agree
 * with the database after the control plane died — a kill -9, a crash, a reboot — at any moment.
 *
 * 1. A deploy in progress whose owner process is gone is rolled back: marked `failed`, its
 *    replicas and config removed; the previous active version never stopped serving. A deploy
 *    whose owner is alive — another process on the same data dir — is not touched.
 * 2. Every deployment a target finds by its labels or run files is matched with its row: `active`
 *    → adopted, and brought back up when its replicas died while nobody supervised them;
 *    failed / superseded / rolled back / deleted, or no row at all → removed.
 * 3. `active` rows whose replicas are gone from their target are reported as missing.
 * 4. Config dirs of finished deployments, bundle temp dirs of dead builds, idempotency keys left
 *    pending by dead processes and owner rows of dead processes are cleaned up.
 *
 * `dryRun` reports what would happen and changes nothing (except that a process target adopts
 * the replicas it reads, which is how it reads them).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CoreError, errorMessage } from '../contracts';
import type { Target, TargetKind } from '../contracts';
import type { Repositories } from '../store';
import { deploymentResource, idempotencyResource, IN_FLIGHT_STATES } from '../store/deployments-repository';
import type { Deployment, OwnerRecord } from '../store/deployments-repository';
import { deploymentConfigDir } from './deployment-config';
import { currentOwner, isOwnerAlive } from './operation-owner';
import { removeDeadBuildDirs, staleConfigDirs } from './reconcile-files';

/** What reconcile needs of a control plane (`ControlPlane` has it). */
export interface ReconcileContext {
  dataDir: string;
  repositories: Repositories;
  targets: Partial<Record<TargetKind, Target>>;
}

export interface ReconcileOptions {
  /** Report only; change nothing. */
  dryRun?: boolean;
  /** Who the audit log names (default `agentdock`). */
  actor?: string;
  clock?: () => number;
  /** How long an owner on another host may be silent before its deploy counts as interrupted. */
  ownerStaleAfterMs?: number;
}

/** One deployment and what reconcile did (or, in a dry run, would do) with it. */
export interface ReconcileItem {
  deploymentId: string;
  target: TargetKind;
  agent: string;
  version: string;
  reason: string;
}

export interface ReconcileReport {
  dryRun: boolean;
  /** Active deployments found running: supervised by this control plane from now on. */
  adopted: ReconcileItem[];
  /** Active deployments whose replicas had died: started again. */
  restarted: ReconcileItem[];
  /** Interrupted deploys: replicas removed, row `failed`; the previous version keeps serving. */
  rolledBack: ReconcileItem[];
  /** Leftovers of failed, superseded or deleted deployments, or of none this data dir knows. */
  removed: ReconcileItem[];
  /** Deploys another live process is running: left alone. */
  inProgress: ReconcileItem[];
  /** Active deployments whose replicas are gone from their target: deploy or roll back again. */
  missing: ReconcileItem[];
  /** Files and directories removed: config dirs of finished deployments, temp dirs of dead builds. */
  removedPaths: string[];
  /** Idempotency keys left pending by processes that are gone: usable again. */
  releasedIdempotencyKeys: string[];
  /** What could not be done now (an engine that is down); the next reconcile tries again. */
  errors: { target?: TargetKind; deploymentId?: string; message: string }[];
}

/** Something a target offers beyond the contract: bring a deployment back to its desired state. */
interface Convergent {
  converge(deploymentId: string): Promise<number>;
}

const FINISHED_STATES = new Set<Deployment['status']>(['failed', 'superseded', 'rolled_back', 'deleted']);

/**
 * True when a target cannot be reached (E2020) and no deployment of this data dir ever used it:
 * nothing of ours can be there, so a Docker engine that is not running is not a problem for
 * somebody who deploys only as processes. (A deployment row is written before anything is
 * created on a target, so a deploy killed midway still counts as a use.)
 */
export function unreachableButUnused(repos: Repositories, kind: TargetKind, error: unknown): boolean {
  return error instanceof CoreError && error.code === 'E2020' && repos.deployments.list({ targetKind: kind, limit: 1 }).length === 0;
}

/** Reconciles the targets and the data dir with the database; see the module header. */
export async function reconcile(plane: ReconcileContext, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const run = new Reconciler(plane, options);
  await run.interruptedDeploys();
  for (const [kind, target] of Object.entries(plane.targets) as [TargetKind, Target | undefined][]) if (target) await run.target(kind, target);
  await run.files();
  await run.idempotencyKeys();
  await run.ownerRows();
  return run.finish();
}

class Reconciler {
  readonly report: ReconcileReport;
  private readonly dryRun: boolean;
  private readonly clock: () => number;
  private readonly rolledBack = new Set<string>();

  constructor(
    private readonly plane: ReconcileContext,
    private readonly options: ReconcileOptions,
  ) {
    this.dryRun = options.dryRun ?? false;
    this.clock = options.clock ?? Date.now;
    this.report = { dryRun: this.dryRun, adopted: [], restarted: [], rolledBack: [], removed: [], inProgress: [], missing: [], removedPaths: [], releasedIdempotencyKeys: [], errors: [] };
  }

  private get repos(): Repositories {
    return this.plane.repositories;
  }

  /** Step 1: deploys in progress whose owner is gone are rolled back. */
  async interruptedDeploys(): Promise<void> {
    const owners = this.repos.deployments.owners;
    for (const deployment of this.repos.deployments.inFlight()) {
      const resource = deploymentResource(deployment.id);
      const rows = owners.list(resource);
      const live = await this.liveOwner(rows);
      if (live) {
        this.report.inProgress.push(this.item(deployment, `deploy in progress in process ${live.pid} on ${live.host}`));
        continue;
      }
      const who = rows[0] ? `process ${rows[0].pid} on ${rows[0].host}` : 'a process that recorded no owner';
      const reason = `interrupted: ${who} stopped during the deploy; rolled back${this.previousLabel(deployment)}`;
      this.rolledBack.add(deployment.id);
      if (this.dryRun) {
        this.report.rolledBack.push(this.item(deployment, reason));
        continue;
      }
      // Take the deploy over first: of two reconciles at once (the app and `agentdock cleanup`), one acts.
      if (!owners.takeOver(resource, rows, currentOwner())) {
        this.report.inProgress.push(this.item(deployment, 'being reconciled by another process'));
        continue;
      }
      try {
        // Failed first: from here its replicas are leftovers, which any later reconcile removes.
        this.repos.deployments.update(deployment.id, { status: 'failed', error: reason });
        const target = this.plane.targets[deployment.targetKind];
        if (target) await this.removeFromTarget(target, deployment.id, deployment.targetKind);
        else this.report.errors.push({ target: deployment.targetKind, deploymentId: deployment.id, message: `the ${deployment.targetKind} target is not available here; its replicas are removed by a reconcile that can reach it` });
        this.report.rolledBack.push(this.item(deployment, reason));
        this.audit('deploy:interrupted', deployment, { reason });
      } finally {
        owners.release(resource, currentOwner());
      }
    }
  }

  /** Steps 2 and 3 for one target. */
  async target(kind: TargetKind, target: Target): Promise<void> {
    let found: { deploymentId: string; agent: string; version: string }[];
    try {
      found = await target.discover();
    } catch (error) {
      if (!unreachableButUnused(this.repos, kind, error)) this.report.errors.push({ target: kind, message: `cannot list what runs on the ${kind} target: ${errorMessage(error)}` });
      return;
    }
    const seen = new Set(found.map((entry) => entry.deploymentId));
    for (const entry of found) {
      const row = this.repos.deployments.get(entry.deploymentId);
      const item: ReconcileItem = { deploymentId: entry.deploymentId, target: kind, agent: entry.agent || this.agentName(row), version: entry.version || this.versionLabel(row), reason: '' };
      if (!row) {
        await this.removeLeftover(target, { ...item, reason: 'no deployment of this data dir has this id' });
      } else if (IN_FLIGHT_STATES.includes(row.status)) {
        // Rolled back above, or a deploy that started after step 1 read the rows: not ours to touch.
        if (!this.rolledBack.has(row.id) && !this.report.inProgress.some((entry) => entry.deploymentId === row.id)) this.report.inProgress.push({ ...item, reason: 'deploy started while reconciling' });
      } else if (row.status === 'active') {
        await this.adopt(kind, target, item);
      } else if (FINISHED_STATES.has(row.status)) {
        await this.removeLeftover(target, { ...item, reason: `leftover of a ${row.status.replace('_', ' ')} deployment` });
      } else {
        this.report.adopted.push({ ...item, reason: `${row.status}; left as it is` });
      }
    }
    for (const row of this.repos.deployments.list({ states: ['active'], targetKind: kind })) {
      if (!seen.has(row.id)) this.report.missing.push(this.item(row, `active, but nothing of it is on the ${kind} target; deploy it again or roll back`));
    }
  }

  /** Step 4 (files): config dirs of finished deployments and temp dirs of builds whose process is gone. */
  async files(): Promise<void> {
    const statusOf = (id: string): Deployment['status'] | undefined => this.repos.deployments.get(id)?.status;
    for (const dir of await staleConfigDirs(this.plane.dataDir, statusOf, FINISHED_STATES)) await this.removePath(dir);
    this.report.removedPaths.push(...(await removeDeadBuildDirs(this.plane.dataDir, this.dryRun)));
  }

  /** Step 4 (keys): deploy idempotency keys whose owners are all gone become usable again. */
  async idempotencyKeys(): Promise<void> {
    const owners = this.repos.deployments.owners;
    for (const pending of this.repos.idempotency.pending('deploy')) {
      const resource = idempotencyResource('deploy', pending.key);
      const rows = owners.list(resource);
      // No owner recorded (an older AgentDock made it): it expires with its TTL instead.
      if (rows.length === 0 || (await this.liveOwner(rows))) continue;
      if (!this.dryRun) {
        if (!owners.takeOver(resource, rows, currentOwner())) continue;
        this.repos.idempotency.abandon(pending.key, 'deploy');
        owners.release(resource, currentOwner());
      }
      this.report.releasedIdempotencyKeys.push(pending.key);
    }
  }

  /** Step 4 (owners): rows of processes that are gone (they finished, or died after their deploy was final). */
  async ownerRows(): Promise<void> {
    if (this.dryRun) return;
    const owners = this.repos.deployments.owners;
    for (const row of owners.all()) if (!(await this.isAlive(row))) owners.release(row.resource, row);
  }

  finish(): ReconcileReport {
    const changed = this.report.rolledBack.length + this.report.removed.length + this.report.restarted.length + this.report.releasedIdempotencyKeys.length;
    if (!this.dryRun && changed > 0) {
      this.repos.audit.record({
        actor: this.options.actor ?? 'agentdock',
        role: 'admin',
        action: 'reconcile',
        target: 'control-plane',
        success: this.report.errors.length === 0,
        ...(this.report.errors.length ? { error: this.report.errors.map((error) => error.message).join('; ') } : {}),
        details: {
          rolledBack: this.report.rolledBack.map((item) => item.deploymentId),
          removed: this.report.removed.map((item) => item.deploymentId),
          restarted: this.report.restarted.map((item) => item.deploymentId),
          releasedIdempotencyKeys: this.report.releasedIdempotencyKeys.length,
        },
      });
    }
    return this.report;
  }

  private async adopt(kind: TargetKind, target: Target, item: ReconcileItem): Promise<void> {
    const convergent = (target as Partial<Convergent>).converge ? (target as unknown as Convergent) : undefined;
    if (!convergent) {
      this.report.adopted.push({ ...item, reason: 'found on its target' });
      return;
    }
    if (this.dryRun) {
      this.report.adopted.push({ ...item, reason: 'found on its target (replicas that are down would be started)' });
      return;
    }
    try {
      const started = await convergent.converge(item.deploymentId);
      if (started > 0) this.report.restarted.push({ ...item, reason: `${started} replica(s) were down and were started again` });
      else this.report.adopted.push({ ...item, reason: 'found running' });
    } catch (error) {
      this.report.adopted.push({ ...item, reason: 'found on its target' });
      this.report.errors.push({ target: kind, deploymentId: item.deploymentId, message: `could not start its replicas again: ${errorMessage(error)}` });
    }
  }

  private async removeLeftover(target: Target, item: ReconcileItem): Promise<void> {
    if (this.dryRun) {
      this.report.removed.push(item);
      return;
    }
    if (await this.removeFromTarget(target, item.deploymentId, item.target)) this.report.removed.push(item);
  }

  private async removeFromTarget(target: Target, deploymentId: string, kind: TargetKind): Promise<boolean> {
    try {
      await target.delete(deploymentId);
    } catch (error) {
      this.report.errors.push({ target: kind, deploymentId, message: `could not remove its replicas: ${errorMessage(error)}` });
      return false;
    }
    await this.removePath(path.dirname(deploymentConfigDir(this.plane.dataDir, deploymentId)));
    return true;
  }

  private async removePath(dir: string): Promise<void> {
    if (!this.dryRun) {
      try {
        await rm(dir, { recursive: true, force: true });
      } catch (error) {
        this.report.errors.push({ message: `could not remove ${dir}: ${errorMessage(error)}` });
        return;
      }
    }
    if (!this.report.removedPaths.includes(dir)) this.report.removedPaths.push(dir);
  }

  private async liveOwner(rows: readonly OwnerRecord[]): Promise<OwnerRecord | undefined> {
    for (const row of rows) if (await this.isAlive(row)) return row;
    return undefined;
  }

  private isAlive(row: OwnerRecord): Promise<boolean> {
    return isOwnerAlive(row, { now: this.clock(), ...(this.options.ownerStaleAfterMs !== undefined ? { staleAfterMs: this.options.ownerStaleAfterMs } : {}) });
  }

  private item(deployment: Deployment, reason: string): ReconcileItem {
    return { deploymentId: deployment.id, target: deployment.targetKind, agent: this.agentName(deployment), version: this.versionLabel(deployment), reason };
  }

  private agentName(deployment: Deployment | undefined): string {
    return (deployment && this.repos.agents.get(deployment.agentId)?.name) ?? '';
  }

  private versionLabel(deployment: Deployment | undefined): string {
    return (deployment && this.repos.versions.get(deployment.versionId)?.label) ?? '';
  }

  private previousLabel(deployment: Deployment): string {
    const active = this.repos.deployments.active(deployment.agentId, deployment.targetKind, deployment.targetRef);
    const label = active ? this.versionLabel(active) : '';
    return label ? ` (${label} keeps serving)` : '';
  }

  private audit(action: string, deployment: Deployment, details: Record<string, unknown>): void {
    this.repos.audit.record({ actor: this.options.actor ?? 'agentdock', role: 'admin', action, target: `agent:${this.agentName(deployment)}`, success: true, details: { deploymentId: deployment.id, version: this.versionLabel(deployment), ...details } });
  }
}


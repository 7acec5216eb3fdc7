/**
 * The replicas telemetry follows: deployments the store says are live, crossed with what their
 * target reports running now. Each replica process gets a stable `source` (README.md: identity).
 */
import type { Target, TargetKind } from '../contracts';
import type { Repositories } from '../store';
import type { Deployment, DeploymentState } from '../store/deployments-repository';
import type { ReplicaRef } from './replica-subscription';
import { errorMessage } from '../contracts';

/** Deployments that may have serving replicas (blue/green: the new one serves its health gate before it is active). */
export const FOLLOWED_STATES: readonly DeploymentState[] = ['starting', 'healthy', 'active'];

export interface FleetReplicas {
  replicas: ReplicaRef[];
  deployments: Deployment[];
  /** Deployments whose target could not be asked (engine down, target missing). */
  problems: { deploymentId: string; message: string }[];
}

/** The source of one replica process: `<deploymentId>/<replicaId>@<processKey>`. */
function sourceOf(deploymentId: string, replicaId: string, processKey: string): string {
  return `${deploymentId}/${replicaId}@${processKey}`;
}

/** Lists the running replicas of every followed deployment, asking targets `concurrency` at a time. */
export async function listFleetReplicas(repositories: Repositories, targets: Partial<Record<TargetKind, Target>>, options: { concurrency?: number; deploymentIds?: ReadonlySet<string> } = {}): Promise<FleetReplicas> {
  let deployments = repositories.deployments.list({ states: FOLLOWED_STATES });
  if (options.deploymentIds) deployments = deployments.filter((deployment) => options.deploymentIds?.has(deployment.id));
  const replicas: ReplicaRef[] = [];
  const problems: FleetReplicas['problems'] = [];
  await runPool(deployments, options.concurrency ?? 16, async (deployment: Deployment) => {
    const target = targets[deployment.targetKind];
    if (!target) {
      problems.push({ deploymentId: deployment.id, message: `the ${deployment.targetKind} target is not available here` });
      return;
    }
    try {
      const status = await target.status(deployment.id);
      for (const replica of status?.replicas ?? []) {
        if (replica.state !== 'running' || !replica.endpoint) continue;
        const processKey = replica.startedAt ?? replica.handle ?? replica.endpoint;
        replicas.push({ deploymentId: deployment.id, agentId: deployment.agentId, replicaId: replica.id, endpoint: replica.endpoint, processKey, source: sourceOf(deployment.id, replica.id, processKey) });
      }
    } catch (error) {
      problems.push({ deploymentId: deployment.id, message: errorMessage(error) });
    }
  });
  replicas.sort((a, b) => a.source.localeCompare(b.source));
  return { replicas, deployments, problems };
}

/** Runs `work` over `items`, at most `size` at a time (1,000 replicas must not mean 1,000 sockets at once). */
export async function runPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
}

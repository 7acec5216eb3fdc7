/**
 * A deployment's containers as the engine has them (found by label, grouped by replica index), and
 * convergence: make replicas 0..n-1 exist and follow the desired state, remove the rest.
 */
import type Dockerode from 'dockerode';
import type { ProgressEvent } from '../../contracts';
import { agentContainerName, agentContainerOptions, deploymentNetworkName, gatewayContainerOptions } from './container-spec';
import type { RestartSettings } from './container-spec';
import type { StoredDeployment } from './deployment-state';
import { allocateLoopbackPort } from '../../loopback-server';
import { isPortConflict, tolerate } from './engine-helpers';
import { deploymentFilter, LABELS } from './labels';
import type { Isolation } from './trust-isolation';

export interface ReplicaContainers {
  agent?: Dockerode.ContainerInfo;
  gateway?: Dockerode.ContainerInfo;
}

/** Replica index → its containers. */
export type ReplicaSet = Map<number, ReplicaContainers>;

/** The deployment's agent and gateway containers, in any state, by replica index. */
export async function findReplicas(docker: Dockerode, deploymentId: string): Promise<ReplicaSet> {
  const list = await docker.listContainers({ all: true, filters: deploymentFilter(deploymentId) });
  const replicas: ReplicaSet = new Map();
  for (const info of list) {
    const role = info.Labels[LABELS.role];
    const replica = Number(info.Labels[LABELS.replica]);
    if ((role !== 'agent' && role !== 'gateway') || !Number.isInteger(replica)) continue;
    const entry = replicas.get(replica) ?? {};
    entry[role] = info;
    replicas.set(replica, entry);
  }
  return replicas;
}

/** Agent containers in replica order. */
export function agentsOf(replicas: ReplicaSet): Dockerode.ContainerInfo[] {
  return [...replicas].sort(([a], [b]) => a - b).flatMap(([, entry]) => (entry.agent ? [entry.agent] : []));
}

export function gatewaysOf(replicas: ReplicaSet): Dockerode.ContainerInfo[] {
  return [...replicas].sort(([a], [b]) => a - b).flatMap(([, entry]) => (entry.gateway ? [entry.gateway] : []));
}

/** Stops a container gracefully (the runtime drains in-flight requests on SIGTERM), then removes it. */
export async function removeContainer(docker: Dockerode, id: string, stopTimeoutSeconds: number): Promise<void> {
  await tolerate(docker.getContainer(id).stop({ t: stopTimeoutSeconds }));
  await tolerate(docker.getContainer(id).remove({ force: true }), [404, 409]);
}

/** Makes the containers match `state`: replicas 0..n-1 exist and follow `desired`, the rest are gone. */
export async function convergeReplicas(
  docker: Dockerode,
  state: StoredDeployment,
  isolation: Isolation,
  settings: RestartSettings,
  options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void },
): Promise<void> {
  const replicas = await findReplicas(docker, state.deploymentId);
  for (const [index, entry] of replicas) {
    if (index < state.replicas) continue;
    options.onProgress?.({ phase: 'stopping', message: `removing replica ${index}` });
    await Promise.all([entry.gateway, entry.agent].filter((info) => info !== undefined).map((info) => removeContainer(docker, info.Id, settings.stopTimeoutSeconds)));
  }
  for (let index = 0; index < state.replicas; index++) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase: 'starting', message: `starting replica ${index} (${agentContainerName(state, index)})` });
    await ensureReplica(docker, state, isolation, settings, index, replicas.get(index) ?? {});
  }
}

async function ensureReplica(docker: Dockerode, state: StoredDeployment, isolation: Isolation, settings: RestartSettings, index: number, existing: ReplicaContainers): Promise<void> {
  const gatewayed = isolation.network === 'internal-gateway';
  const createAgent = async (): Promise<Dockerode.Container> => docker.createContainer(agentContainerOptions(state, index, isolation, settings, gatewayed ? undefined : await allocateLoopbackPort()));
  const createGateway = async (): Promise<Dockerode.Container> => {
    const gateway = await docker.createContainer(gatewayContainerOptions(state, index, settings, await allocateLoopbackPort()));
    const network = deploymentNetworkName(state, isolation);
    if (network) await docker.getNetwork(network).connect({ Container: gateway.id });
    return gateway;
  };
  const agent = existing.agent ? docker.getContainer(existing.agent.Id) : await createAgent();
  const gateway = !gatewayed ? undefined : existing.gateway ? docker.getContainer(existing.gateway.Id) : await createGateway();
  if (state.desired === 'stopped') return;
  if (existing.agent?.State === 'paused') {
    if (state.desired === 'running') await tolerate(agent.unpause(), [304, 409]);
  } else {
    await startPublished(agent, gatewayed ? undefined : createAgent);
  }
  if (gateway) await startPublished(gateway, createGateway);
  if (state.desired === 'suspended') await tolerate(agent.pause(), [304, 409]);
}

/**
 * Starts a container; when its fixed host port was taken while it was stopped, recreates it with
 * a fresh port (`recreate`), since a container's published ports cannot be changed.
 */
async function startPublished(container: Dockerode.Container, recreate: (() => Promise<Dockerode.Container>) | undefined): Promise<void> {
  let current = container;
  for (let attempt = 0; ; attempt++) {
    try {
      await tolerate(current.start(), [304]);
      return;
    } catch (error) {
      if (!recreate || !isPortConflict(error) || attempt >= 3) throw error;
      await tolerate(current.remove({ force: true }), [404]);
      current = await recreate();
    }
  }
}

/**
 * Where the console reaches an agent's running runtime: the active deployment's endpoint and the
 * control token main authenticates with (never a user's API key). The playground's invoke and its
 * streamed invoke both go through here.
 */
import type { ControlPlane } from '../control-plane';
import { CoreError } from '../contracts';
import type { TargetKind } from '../contracts';
import { controlTokenOf, deploymentConfigDir } from '../controller/deployment-config';

export interface ActiveRuntime {
  /** `http://127.0.0.1:port` (a process replica, a container, or the relay to a Kubernetes pod). */
  endpoint: string;
  /** Sent as x-agentdock-control. */
  token: string;
  deploymentId: string;
}

/** The runtime serving `agent` (on `target`, else the first active deployment), or a CoreError saying what to do. */
export async function activeRuntimeOf(plane: ControlPlane, agent: string, target?: TargetKind): Promise<ActiveRuntime> {
  const record = plane.repositories.agents.findByName(agent);
  if (!record) throw new CoreError('E2004', `No agent named ${agent}; it may have been deleted — refresh the fleet.`);
  const deployment = plane.repositories.deployments.list({ agentId: record.id, states: ['active'], ...(target ? { targetKind: target } : {}) })[0];
  // Kubernetes replicas have no stored endpoint: this process reaches them through its relay to
  // the API server's pod proxy, so the live status names one.
  const endpoint = deployment?.endpoint ?? (deployment ? (await plane.targets[deployment.targetKind]?.status(deployment.id))?.replicas.find((replica) => replica.state === 'running' && replica.endpoint)?.endpoint : undefined);
  if (!deployment || !endpoint) throw new CoreError('E2023', `${agent} is not running${target ? ` on ${target}` : ''}; deploy it or start it first.`);
  const token = await controlTokenOf(deploymentConfigDir(plane.dataDir, deployment.id));
  if (!token) throw new CoreError('E2021', `${agent}'s deployment has no control token (deployed by an older AgentDock); deploy it again.`);
  return { endpoint, token, deploymentId: deployment.id };
}

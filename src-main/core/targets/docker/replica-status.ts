/**
 * A replica's status from `docker inspect` of its agent container (and of the gateway that
 * publishes its port, for isolated trust levels).
 */
import type Dockerode from 'dockerode';
import type { ReplicaState, ReplicaStatus } from '../../contracts';
import type { DesiredState } from '../deployment-identity';

/** The `http://127.0.0.1:<port>` a container publishes `port` on, if it does. */
export function publishedEndpoint(info: Dockerode.ContainerInspectInfo, port: number): string | undefined {
  const bindings = info.NetworkSettings.Ports?.[`${port}/tcp`] ?? info.HostConfig.PortBindings?.[`${port}/tcp`];
  const binding = (bindings as { HostIp: string; HostPort: string }[] | null | undefined)?.find((entry) => entry.HostIp === '127.0.0.1' && entry.HostPort !== '');
  return binding ? `http://127.0.0.1:${binding.HostPort}` : undefined;
}

function stateOf(info: Dockerode.ContainerInspectInfo, desired: DesiredState | undefined): ReplicaState {
  const state = info.State;
  if (state.Paused) return 'suspended';
  if (state.Restarting) return 'starting';
  if (state.Running) return 'running';
  if (state.Status === 'created') return desired === 'running' ? 'starting' : 'stopped';
  // Exited and not restarting: a deliberate stop, or a failure the restart policy gave up on.
  if (desired === 'stopped') return 'stopped';
  return state.OOMKilled || state.ExitCode !== 0 ? 'crashed' : 'exited';
}

function lastErrorOf(info: Dockerode.ContainerInspectInfo): string | undefined {
  const state = info.State;
  if (state.Error) return state.Error;
  if (state.OOMKilled) return 'killed: out of memory (raise resources.memoryMb)';
  if (!state.Running && state.ExitCode !== 0 && state.Status === 'exited') return `exited with code ${state.ExitCode}`;
  return undefined;
}

/** The contract's ReplicaStatus of one replica. */
export function replicaStatus(
  id: string,
  agent: Dockerode.ContainerInspectInfo,
  publisher: Dockerode.ContainerInspectInfo | undefined,
  port: number,
  desired: DesiredState | undefined,
): ReplicaStatus {
  const state = stateOf(agent, desired);
  const endpoint = state === 'running' || state === 'suspended' || state === 'starting' ? publishedEndpoint(publisher ?? agent, port) : undefined;
  const lastError = lastErrorOf(agent);
  return {
    id,
    state,
    restarts: agent.RestartCount,
    handle: agent.Id.slice(0, 12),
    ...(endpoint !== undefined && { endpoint }),
    ...(agent.State.StartedAt && !agent.State.StartedAt.startsWith('0001') && { startedAt: agent.State.StartedAt }),
    ...(lastError !== undefined && { lastError }),
  };
}

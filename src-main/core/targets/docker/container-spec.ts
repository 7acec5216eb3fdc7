/**
 * Docker object names and container create options for one deployment: the hardened agent
 * container, and for isolated trust levels the gateway that publishes its port (see README.md).
 */
import type Dockerode from 'dockerode';
import { CONTAINER_CONFIG_DIR, CONTAINER_USER } from '../../build/docker-image';
import type { ResourceLimits } from '../../contracts';
import { shortId } from '../deployment-identity';
import type { StoredDeployment } from './deployment-state';
import { LABELS } from './labels';
import type { ObjectRole } from './labels';
import type { Isolation } from './trust-isolation';

export const DEFAULT_RESOURCES: Required<ResourceLimits> = { cpus: 1, memoryMb: 512, pids: 256 };

/** Resources of the gateway: it only copies bytes between two sockets. */
const GATEWAY_RESOURCES: Required<ResourceLimits> = { cpus: 0.5, memoryMb: 64, pids: 32 };

/** `agentdock-<resourceName>-<deployment short id>`: the prefix of every object of a deployment. */
export function deploymentPrefix(state: Pick<StoredDeployment, 'resourceName' | 'deploymentId'>): string {
  return `agentdock-${state.resourceName}-${shortId(state.deploymentId)}`;
}

export function agentContainerName(state: StoredDeployment, replica: number): string {
  return `${deploymentPrefix(state)}-${replica}`;
}

export function gatewayContainerName(state: StoredDeployment, replica: number): string {
  return `${deploymentPrefix(state)}-${replica}-gateway`;
}

export function configVolumeName(state: StoredDeployment): string {
  return `${deploymentPrefix(state)}-config`;
}

/** The deployment's own network (bridge or internal); undefined for the default bridge. */
export function deploymentNetworkName(state: StoredDeployment, isolation: Isolation): string | undefined {
  if (isolation.network === 'deployment-bridge') return deploymentPrefix(state);
  if (isolation.network === 'internal-gateway') return `${deploymentPrefix(state)}-internal`;
  return undefined;
}

/** Labels of every object of the deployment, plus its role and replica index where they apply. */
export function objectLabels(state: StoredDeployment, role: ObjectRole, replica?: number): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.deployment]: state.deploymentId,
    [LABELS.agent]: state.agent,
    [LABELS.version]: state.version,
    [LABELS.trust]: state.trust,
    [LABELS.role]: role,
    ...(replica !== undefined && { [LABELS.replica]: String(replica) }),
    ...(state.home !== undefined && { [LABELS.home]: state.home }),
  };
}

export interface RestartSettings {
  maxRestarts: number;
  stopTimeoutSeconds: number;
}

function hardening(limits: Required<ResourceLimits>, readonlyRootfs: boolean): Dockerode.HostConfig {
  return {
    NanoCpus: Math.round(limits.cpus * 1e9),
    Memory: limits.memoryMb * 1024 * 1024,
    // Same as Memory: no swap, so the memory limit is the limit.
    MemorySwap: limits.memoryMb * 1024 * 1024,
    PidsLimit: limits.pids,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: readonlyRootfs,
    Tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=64m' },
    // Bounded json-file logs: `logs` reads them, and a chatty agent must not fill the disk.
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
  };
}

function publish(port: number, hostPort: number): Pick<Dockerode.ContainerCreateOptions, 'ExposedPorts'> & { PortBindings: Dockerode.PortMap } {
  // A fixed host port, chosen by the target: with HostPort '' the engine picks a new port at every
  // restart, and a replica's endpoint must survive a crash-restart.
  return { ExposedPorts: { [`${port}/tcp`]: {} }, PortBindings: { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] } };
}

/** Create options of replica `replica`'s agent container; `hostPort` when it publishes the port itself. */
export function agentContainerOptions(
  state: StoredDeployment,
  replica: number,
  isolation: Isolation,
  settings: RestartSettings,
  hostPort: number | undefined,
): Dockerode.ContainerCreateOptions {
  const limits = { ...DEFAULT_RESOURCES, ...state.resources };
  const network = deploymentNetworkName(state, isolation) ?? 'bridge';
  const published = hostPort === undefined ? undefined : publish(state.port, hostPort);
  return {
    name: agentContainerName(state, replica),
    Image: state.image,
    User: `${CONTAINER_USER}:${CONTAINER_USER}`,
    Env: [`AGENTDOCK_CONFIG_DIR=${CONTAINER_CONFIG_DIR}`, 'AGENTDOCK_HOST=0.0.0.0', `AGENTDOCK_PORT=${state.port}`, 'AGENTDOCK_STATE_DIR=/tmp/agentdock', `AGENTDOCK_REPLICA=${replica}`],
    Labels: objectLabels(state, 'agent', replica),
    // Explicit: with no StopSignal the engine treats *any* `kill` (our SIGUSR1 reload) as a stop
    // and cancels the restart policy (moby daemon/kill.go, ExitOnNext).
    StopSignal: 'SIGTERM',
    StopTimeout: settings.stopTimeoutSeconds,
    ...(published && { ExposedPorts: published.ExposedPorts }),
    HostConfig: {
      ...hardening(limits, isolation.readonlyRootfs),
      Mounts: [{ Type: 'volume', Source: configVolumeName(state), Target: CONTAINER_CONFIG_DIR, ReadOnly: true }],
      NetworkMode: network,
      ...(published && { PortBindings: published.PortBindings }),
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: settings.maxRestarts },
      ...(isolation.runtime !== undefined && { Runtime: isolation.runtime }),
    },
  };
}

// The gateway program: a TCP relay from its published port to its replica's runtime, resolved by
// name on the internal network at each connection (the replica's address changes on restart).
// Bytes only: HTTP, SSE and WebSocket pass through unchanged.
const GATEWAY_SCRIPT = [
  "const net = require('node:net');",
  'const host = process.env.AGENTDOCK_GATEWAY_TARGET, port = Number(process.env.AGENTDOCK_PORT);',
  'const server = net.createServer((client) => {',
  '  const upstream = net.connect(port, host);',
  '  const close = () => { client.destroy(); upstream.destroy(); };',
  "  client.on('error', close); upstream.on('error', close); client.on('close', close); upstream.on('close', close);",
  '  client.pipe(upstream).pipe(client);',
  "}).listen(port, '0.0.0.0');",
  "process.on('SIGTERM', () => server.close(() => process.exit(0)));",
].join('\n');

/** Create options of the gateway publishing replica `replica` of an internal-network deployment. */
export function gatewayContainerOptions(state: StoredDeployment, replica: number, settings: RestartSettings, hostPort: number): Dockerode.ContainerCreateOptions {
  const published = publish(state.port, hostPort);
  return {
    name: gatewayContainerName(state, replica),
    Image: state.image,
    User: `${CONTAINER_USER}:${CONTAINER_USER}`,
    Entrypoint: ['node', '-e', GATEWAY_SCRIPT],
    Cmd: [],
    Env: [`AGENTDOCK_GATEWAY_TARGET=${agentContainerName(state, replica)}`, `AGENTDOCK_PORT=${state.port}`],
    Labels: objectLabels(state, 'gateway', replica),
    StopSignal: 'SIGTERM',
    StopTimeout: settings.stopTimeoutSeconds,
    ExposedPorts: published.ExposedPorts,
    // The image's health check probes the runtime, which does not run here.
    Healthcheck: { Test: ['NONE'] },
    HostConfig: {
      ...hardening(GATEWAY_RESOURCES, true),
      // Default bridge for the published port; the internal network is connected before start.
      NetworkMode: 'bridge',
      PortBindings: published.PortBindings,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: settings.maxRestarts },
    },
  };
}

/**
 * The Docker target: one hardened container per replica (dockerode), ports published on
 * 127.0.0.1 only, isolation by trust level (trust-isolation.ts, README.md), crash restarts by the
 * engine's `on-failure` restart policy, and labels through which a new instance finds everything
 * an earlier one created. Replicas keep running when the control plane exits.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { buildImage, defaultBaseImages } from '../../build/docker-image';
import { CoreError } from '../../contracts';
import type { BuildArtifact, DeploymentSpec, DeploymentStatus, Disposable, LogLine, LogOptions, ProgressEvent, Target, TargetArtifact, TrustLevel } from '../../contracts';
import { syncConfigVolume } from './config-volume';
import { streamContainerLogs } from './container-logs';
import type { LogSource } from './container-logs';
import { configVolumeName, deploymentNetworkName, objectLabels } from './container-spec';
import type { RestartSettings } from './container-spec';
import { DeploymentStateFiles } from '../state-files';
import type { DesiredState } from '../deployment-identity';
import type { StoredDeployment } from './deployment-state';
import { engineStatus, ensureNetwork, toCoreError, tolerate } from './engine-helpers';
import { deploymentFilter, LABELS } from './labels';
import { agentsOf, convergeReplicas, findReplicas, gatewaysOf, removeContainer } from './replica-set';
import { replicaStatus } from './replica-status';
import { isolationFor } from './trust-isolation';
import type { Isolation } from './trust-isolation';

export interface DockerTargetOptions {
  docker: Dockerode;
  /** Where the target keeps one small state file per deployment (no secrets). */
  stateDir: string;
  clock?: () => Date;
  /** Restart-policy retries before a replica is left `crashed` (default 5). */
  maxRestarts?: number;
  /** Grace period of a stop before SIGKILL, in seconds (default 15; the runtime drains in-flight requests). */
  stopTimeoutSeconds?: number;
  /** OCI runtime per trust level (settings), overriding the detection of gVisor/Kata. */
  runtimeByTrust?: Partial<Record<TrustLevel, string>>;
  /**
   * Base images for artifacts that arrive without an image (default: the official images). A
   * function is asked at every build, so a changed setting applies to the next deploy.
   */
  baseImages?: BaseImages | (() => BaseImages);
  /**
   * The `home` label (`homeLabel(dataDir)`) put on everything this target creates; `discover`
   * then reports only objects with it, never another data dir's. Unset: no label, discover all.
   */
  home?: string;
}

/** The images each language builds on; `nodeImage` supplies `node` to bases that lack it. */
export type BaseImages = Partial<Record<BuildArtifact['language'], { baseImage: string; nodeImage?: string }>>;

/** Deploys and runs agent replicas as containers on one Docker engine. */
export class DockerTarget implements Target {
  readonly kind = 'docker' as const;
  private readonly docker: Dockerode;
  private readonly states: DeploymentStateFiles<StoredDeployment>;
  private readonly clock: () => Date;
  private readonly settings: RestartSettings;
  private readonly options: DockerTargetOptions;
  private runtimes?: Promise<string[]>;
  private readonly logStreams = new Set<Disposable>();

  constructor(options: DockerTargetOptions) {
    this.options = options;
    this.docker = options.docker;
    this.states = new DeploymentStateFiles<StoredDeployment>(options.stateDir, 'docker-target');
    this.clock = options.clock ?? (() => new Date());
    this.settings = { maxRestarts: options.maxRestarts ?? 5, stopTimeoutSeconds: options.stopTimeoutSeconds ?? 15 };
  }

  async deploy(spec: DeploymentSpec, options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void } = {}): Promise<DeploymentStatus> {
    if (!Number.isInteger(spec.replicas) || spec.replicas < 0) throw new CoreError('E2023', `replicas must be a whole number ≥ 0, got ${spec.replicas}`);
    if (!path.isAbsolute(spec.configDir) || !existsSync(path.join(spec.configDir, 'runtime.json'))) {
      throw new CoreError('E2021', `the config bundle ${spec.configDir} has no runtime.json; write the bundle before deploying`);
    }
    const isolation = await this.isolation(spec.trust);
    options.signal?.throwIfAborted();
    const image = spec.artifact.image?.ref ?? (await this.build(spec, options)).ref;
    const state: StoredDeployment = {
      deploymentId: spec.deploymentId,
      agent: spec.agent,
      resourceName: spec.resourceName,
      version: spec.version,
      image,
      configDir: spec.configDir,
      replicas: spec.replicas,
      trust: spec.trust,
      ...(spec.resources && { resources: spec.resources }),
      port: spec.port,
      desired: 'running',
      updatedAt: this.clock().toISOString(),
      ...(this.options.home !== undefined && { home: this.options.home }),
    };
    this.states.write(state);
    try {
      const network = deploymentNetworkName(state, isolation);
      if (network) await ensureNetwork(this.docker, network, isolation.network === 'internal-gateway', objectLabels(state, 'network'));
      options.onProgress?.({ phase: 'starting', message: 'copying the config bundle into its volume' });
      await this.syncConfig(state);
      await convergeReplicas(this.docker, state, isolation, this.settings, options);
    } catch (error) {
      // A cancelled deploy reports the abort itself; what it created stays for `delete` to remove.
      if (options.signal?.aborted) throw error;
      throw toCoreError(error, 'E2021', `deploying ${spec.agent} ${spec.version}`);
    }
    return (await this.status(spec.deploymentId)) ?? { deploymentId: spec.deploymentId, replicas: [] };
  }

  async status(deploymentId: string): Promise<DeploymentStatus | undefined> {
    const state = this.states.read(deploymentId);
    const found = await this.guard('reading status', () => findReplicas(this.docker, deploymentId));
    if (found.size === 0 && !state) return undefined;
    const replicas = [];
    for (const [, { agent, gateway }] of [...found].sort(([a], [b]) => a - b)) {
      if (!agent) continue;
      try {
        const agentInfo = await this.docker.getContainer(agent.Id).inspect();
        const gatewayInfo = gateway ? await this.docker.getContainer(gateway.Id).inspect() : undefined;
        const port = state?.port ?? Number(agentInfo.Config.Env.find((entry) => entry.startsWith('AGENTDOCK_PORT='))?.split('=')[1]);
        replicas.push(replicaStatus(agentInfo.Name.replace(/^\//, ''), agentInfo, gatewayInfo, port, state?.desired));
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw toCoreError(error, 'E2020', 'reading status');
      }
    }
    return { deploymentId, replicas };
  }

  async stop(deploymentId: string): Promise<void> {
    this.setDesired(deploymentId, 'stopped');
    const found = await this.guard('stopping', () => findReplicas(this.docker, deploymentId));
    await this.guard('stopping', () => Promise.all([...gatewaysOf(found), ...agentsOf(found)].map((info) => tolerate(this.docker.getContainer(info.Id).stop({ t: this.settings.stopTimeoutSeconds })))));
  }

  async start(deploymentId: string): Promise<void> {
    this.setDesired(deploymentId, 'running');
    const state = this.states.read(deploymentId);
    if (state) {
      await this.guard('starting', async () => convergeReplicas(this.docker, state, await this.isolation(state.trust), this.settings, {}));
      return;
    }
    // State lost (another machine's state dir): start what the labels show.
    const found = await this.guard('starting', () => findReplicas(this.docker, deploymentId));
    for (const info of [...agentsOf(found), ...gatewaysOf(found)]) await this.guard('starting', () => tolerate(this.docker.getContainer(info.Id).start()));
  }

  async restart(deploymentId: string): Promise<void> {
    this.setDesired(deploymentId, 'running');
    const found = await this.guard('restarting', () => findReplicas(this.docker, deploymentId));
    await this.guard('restarting', async () => {
      await Promise.all(agentsOf(found).map((info) => this.docker.getContainer(info.Id).restart({ t: this.settings.stopTimeoutSeconds })));
      for (const info of gatewaysOf(found)) await tolerate(this.docker.getContainer(info.Id).start());
    });
  }

  async suspend(deploymentId: string): Promise<void> {
    this.setDesired(deploymentId, 'suspended');
    const found = await this.guard('suspending', () => findReplicas(this.docker, deploymentId));
    const running = agentsOf(found).filter((info) => info.State === 'running');
    await this.guard('suspending', () => Promise.all(running.map((info) => tolerate(this.docker.getContainer(info.Id).pause(), [304, 404, 409]))));
  }

  async resume(deploymentId: string): Promise<void> {
    this.setDesired(deploymentId, 'running');
    const found = await this.guard('resuming', () => findReplicas(this.docker, deploymentId));
    const paused = agentsOf(found).filter((info) => info.State === 'paused');
    await this.guard('resuming', () => Promise.all(paused.map((info) => tolerate(this.docker.getContainer(info.Id).unpause(), [304, 404, 409]))));
  }

  async scale(deploymentId: string, replicas: number): Promise<DeploymentStatus> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new CoreError('E2023', `replicas must be a whole number ≥ 0, got ${replicas}`);
    const state = this.states.read(deploymentId);
    if (!state) throw new CoreError('E2023', `the Docker target has no record of deployment ${deploymentId}; deploy it again to scale it`);
    const next = { ...state, replicas, updatedAt: this.clock().toISOString() };
    this.states.write(next);
    await this.guard('scaling', async () => convergeReplicas(this.docker, next, await this.isolation(next.trust), this.settings, {}));
    return (await this.status(deploymentId)) ?? { deploymentId, replicas: [] };
  }

  async delete(deploymentId: string): Promise<void> {
    await this.guard('deleting', async () => {
      const list = await this.docker.listContainers({ all: true, filters: deploymentFilter(deploymentId) });
      await Promise.all(list.map((info) => removeContainer(this.docker, info.Id, this.settings.stopTimeoutSeconds)));
      for (const network of await this.docker.listNetworks({ filters: deploymentFilter(deploymentId) })) await tolerate(this.docker.getNetwork(network.Id).remove());
      const { Volumes: volumes } = await this.docker.listVolumes({ filters: deploymentFilter(deploymentId) });
      for (const volume of volumes ?? []) await tolerate(this.docker.getVolume(volume.Name).remove());
    });
    this.states.remove(deploymentId);
  }

  async reload(deploymentId: string): Promise<void> {
    const state = this.states.read(deploymentId);
    if (state) await this.guard('copying rotated keys and secrets', () => this.syncConfig(state));
    const found = await this.guard('reloading', () => findReplicas(this.docker, deploymentId));
    // Paused containers count as running; the signal waits in the frozen cgroup until resume.
    const running = agentsOf(found).filter((info) => info.State === 'running' || info.State === 'paused');
    await this.guard('reloading', () => Promise.all(running.map((info) => tolerate(this.docker.getContainer(info.Id).kill({ signal: 'SIGUSR1' }), [304, 404, 409]))));
  }

  logs(deploymentId: string, options: LogOptions, onLine: (line: LogLine) => void): Disposable {
    let inner: Disposable | undefined;
    let disposed = false;
    const handle: Disposable = {
      dispose: () => {
        disposed = true;
        inner?.dispose();
        this.logStreams.delete(handle);
      },
    };
    this.logStreams.add(handle);
    findReplicas(this.docker, deploymentId).then(
      (found) => {
        if (disposed) return;
        const sources: LogSource[] = agentsOf(found).map((info) => ({ container: this.docker.getContainer(info.Id), replica: (info.Names[0] ?? info.Id).replace(/^\//, '') }));
        inner = streamContainerLogs(this.docker, sources, options, onLine, this.clock);
      },
      (error: unknown) => {
        if (!disposed) options.onEnd?.(error instanceof Error ? error : new Error(String(error)));
        handle.dispose();
      },
    );
    return handle;
  }

  /**
   * Every deployment with any AgentDock object here (containers in any state, or a network or
   * volume left by an interrupted deploy) — only this data dir's when the target has a `home`.
   */
  async discover(): Promise<{ deploymentId: string; agent: string; version: string }[]> {
    const filters = { label: [`${LABELS.managed}=true`, ...(this.options.home !== undefined ? [`${LABELS.home}=${this.options.home}`] : [])] };
    const [containers, networks, volumes] = await this.guard('discovering AgentDock objects', () =>
      Promise.all([this.docker.listContainers({ all: true, filters }), this.docker.listNetworks({ filters }), this.docker.listVolumes({ filters })]),
    );
    const found = new Map<string, { deploymentId: string; agent: string; version: string }>();
    for (const labels of [...containers, ...networks, ...(volumes.Volumes ?? [])].map((object) => object.Labels ?? {})) {
      const deploymentId = labels[LABELS.deployment];
      if (deploymentId && !found.has(deploymentId)) found.set(deploymentId, { deploymentId, agent: labels[LABELS.agent] ?? '', version: labels[LABELS.version] ?? '' });
    }
    return [...found.values()];
  }

  /** Whether the engine answers, its version, and whether the base images it builds on are present locally. */
  async probe(): Promise<{ available: boolean; version?: string; problem?: string; baseImages?: { ref: string; present: boolean }[] }> {
    let version: { Version?: string };
    try {
      version = (await this.docker.version()) as { Version?: string };
    } catch (error) {
      return { available: false, problem: toCoreError(error, 'E2020', 'asking the Docker engine for its version').message };
    }
    const refs = new Set<string>();
    for (const language of ['javascript', 'typescript', 'python'] as const) {
      const images = this.baseImagesFor(language);
      refs.add(images.baseImage);
      if (images.nodeImage) refs.add(images.nodeImage);
    }
    const baseImages = await Promise.all(
      [...refs].map(async (ref) => {
        try {
          await this.docker.getImage(ref).inspect();
          return { ref, present: true };
        } catch {
          // 404 is the usual answer (not pulled yet); any other failure also means it cannot be used as it is.
          return { ref, present: false };
        }
      }),
    );
    return { available: true, ...(version.Version ? { version: version.Version } : {}), baseImages };
  }

  /** Agent images on the engine (every image AgentDock built, whichever data dir it was built for). */
  async artifacts(): Promise<TargetArtifact[]> {
    const images = await this.guard('listing AgentDock images', () => this.docker.listImages({ filters: { label: [`${LABELS.managed}=true`, LABELS.contentHash] } }));
    return images.map((image) => ({
      id: image.Id,
      agent: image.Labels?.[LABELS.agent] ?? '',
      contentHash: image.Labels?.[LABELS.contentHash] ?? '',
      refs: (image.RepoTags ?? []).filter((ref) => ref !== '<none>:<none>'),
      bytes: image.Size,
      createdAt: image.Created * 1000,
    }));
  }

  /**
   * Removes an agent image tag by tag (the last one deletes it), never forced: the engine refuses
   * while a container, running or stopped, uses it, and that refusal is E2023.
   */
  async removeArtifact(artifact: TargetArtifact): Promise<void> {
    for (const ref of artifact.refs.length > 0 ? artifact.refs : [artifact.id]) {
      try {
        await this.docker.getImage(ref).remove();
      } catch (error) {
        if (engineStatus(error) === 404) continue;
        if (engineStatus(error) === 409) throw new CoreError('E2023', `image ${ref} is still used by a container; delete that deployment first (agentdock delete <agent>)`, { image: artifact.id });
        throw toCoreError(error, 'E2023', `removing image ${ref}`);
      }
    }
  }

  /**
   * Brings a deployment back to what was last asked of it (reconcile after a restart): when its
   * desired state is `running`, missing replicas are created and stopped ones started — a replica
   * the engine gave up restarting, or one that did not come back with the engine. Returns how many
   * replicas needed it.
   */
  async converge(deploymentId: string): Promise<number> {
    const state = this.states.read(deploymentId);
    if (!state || state.desired !== 'running') return 0;
    const found = await this.guard('reading status', () => findReplicas(this.docker, deploymentId));
    let idle = 0;
    for (let index = 0; index < state.replicas; index++) {
      const agent = found.get(index)?.agent;
      if (!agent || (agent.State !== 'running' && agent.State !== 'restarting')) idle++;
    }
    if (idle > 0) await this.guard('starting', async () => convergeReplicas(this.docker, state, await this.isolation(state.trust), this.settings, {}));
    return idle;
  }

  async dispose(): Promise<void> {
    for (const stream of [...this.logStreams]) stream.dispose();
  }

  // ---- internals ----

  private async build(spec: DeploymentSpec, options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void }): Promise<{ ref: string; id: string }> {
    const images = this.baseImagesFor(spec.artifact.language);
    try {
      return await buildImage(this.docker, spec.artifact, { ...images, version: spec.version, port: spec.port, ...(options.onProgress && { onProgress: options.onProgress }), ...(options.signal && { signal: options.signal }) });
    } catch (error) {
      throw toCoreError(error, 'E2002', `building the image of ${spec.agent}`);
    }
  }

  private baseImagesFor(language: BuildArtifact['language']): { baseImage: string; nodeImage?: string } {
    const configured = typeof this.options.baseImages === 'function' ? this.options.baseImages() : this.options.baseImages;
    return configured?.[language] ?? defaultBaseImages(language);
  }

  private async isolation(trust: TrustLevel): Promise<Isolation> {
    this.runtimes ??= this.docker.info().then((info: { Runtimes?: Record<string, unknown> }) => Object.keys(info.Runtimes ?? {}));
    let runtimes: string[];
    try {
      runtimes = await this.runtimes;
    } catch (error) {
      this.runtimes = undefined;
      throw toCoreError(error, 'E2020', 'asking the Docker engine what it offers');
    }
    return isolationFor(trust, runtimes, this.options.runtimeByTrust);
  }

  private async guard<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toCoreError(error, 'E2021', doing);
    }
  }

  private setDesired(deploymentId: string, desired: DesiredState): void {
    const state = this.states.read(deploymentId);
    if (state && state.desired !== desired) this.states.write({ ...state, desired, updatedAt: this.clock().toISOString() });
  }

  private async syncConfig(state: StoredDeployment): Promise<void> {
    await syncConfigVolume(this.docker, { volume: configVolumeName(state), image: state.image, configDir: state.configDir, labels: objectLabels(state, 'config'), now: this.clock() });
  }
}

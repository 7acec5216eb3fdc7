/**
 * The Kubernetes target (ARCHITECTURE.md §6; README.md next to this file): an agent is one
 * Deployment per namespace that each new version rolls forward, with its Service, NetworkPolicy,
 * PodDisruptionBudget and optional HorizontalPodAutoscaler, plus a ConfigMap and Secret per
 * deployment (one version's config). Everything goes in by server-side apply with the field
 * manager `agentdock`; nothing is contacted until a deployment needs its context.
 *
 * deploy = image → namespace → apply → watch the rollout until the new ReplicaSet is available or
 * the progress deadline passes; on failure, re-apply the previous version (there is no `rollout
 * undo` in the API) and report why, in the cluster's words. Rollback is the controller deploying
 * an earlier immutable version through the same path.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import type { V1Deployment, CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { isDnsLabel } from '../../../../src-shared/dockfile/names';
import { CoreError, errorMessage } from '../../contracts';
import type { DeploymentSpec, DeploymentStatus, Disposable, KubernetesPlacement, LogLine, LogOptions, ProgressEvent, Target, TargetEvent, TrustLevel } from '../../contracts';
import { DeploymentStateFiles } from '../state-files';
import { CONFIDENTIAL_RUNTIMES, firstAvailable, GVISOR_RUNTIMES, KATA_RUNTIMES } from '../trust-runtimes';
import { applyObject, deleteObject, kubeFailure, listObjects, readObject } from './kube-api';
import type { KubeClients, KubeContexts } from './kube-client';
import { KubeApiRelay } from './kube-relay';
import type { ImageSource, RegistryLogin } from './kube-images';
import { ANNOTATIONS, configObjectName, configObjects, deploymentObject, deploymentObjects, LABELS, MANAGED_BY, namespaceObject } from './manifests';
import type { DesiredState } from '../deployment-identity';
import type { KubeDeploymentState, KubeObject } from './manifests';
import { podProblem, podReplica, rolloutState } from './rollout-status';
import { WatchHub } from './watch-hub';
import type { WatchSubscription } from './watch-hub';

export interface KubernetesTargetOptions {
  /** `<data dir>/kubernetes`: one state file per deployment. */
  stateDir: string;
  /** Hash of the data dir (homeLabel): objects of other AgentDock installs are never touched. */
  home: string;
  contexts: KubeContexts;
  /** How a version's image is made (build, push); without one, versions must name an image. */
  images?: ImageSource;
  /** A registry login from Settings by URL (password from the vault). */
  registry?: (url: string) => Promise<RegistryLogin | undefined>;
  /** Deployment.spec.progressDeadlineSeconds (default 600, as Kubernetes). */
  progressDeadlineSeconds?: number;
  /** How long delete waits for the pods to be gone (default 60 s). */
  deleteTimeoutMs?: number;
  hub?: WatchHub;
}

const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
const WORKLOAD_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
] as const;

export class KubernetesTarget implements Target {
  readonly kind = 'kubernetes' as const;
  readonly hub: WatchHub;
  private readonly relay: KubeApiRelay;
  private readonly states: DeploymentStateFiles<KubeDeploymentState>;
  private readonly progressDeadlineSeconds: number;
  private readonly subscriptions = new Map<string, WatchSubscription<V1Pod>>();

  constructor(private readonly options: KubernetesTargetOptions) {
    this.states = new DeploymentStateFiles<KubeDeploymentState>(options.stateDir, 'kubernetes-target');
    this.hub = options.hub ?? new WatchHub(options.contexts);
    this.relay = new KubeApiRelay(options.contexts);
    this.progressDeadlineSeconds = options.progressDeadlineSeconds ?? 600;
  }

  async deploy(spec: DeploymentSpec, options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void } = {}): Promise<DeploymentStatus> {
    const progress = (phase: ProgressEvent['phase'], message: string): void => options.onProgress?.({ phase, message });
    const clients = await this.options.contexts.open(spec.kubernetes?.context);
    const namespace = spec.kubernetes?.namespace ?? clients.namespace;
    if (!isDnsLabel(namespace)) throw new CoreError('E2021', `"${namespace}" is not a valid namespace name: lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit.`);
    const where = `${clients.context}/${namespace}`;

    const registry = spec.kubernetes?.registry ? await this.options.registry?.(spec.kubernetes.registry) : undefined;
    if (spec.kubernetes?.registry && !registry) throw new CoreError('E2021', `No registry ${spec.kubernetes.registry} in Settings → Registries; add it there first, or deploy without a registry (local clusters).`);
    const image = spec.artifact.image
      ? { ref: spec.artifact.image.ref, pullPolicy: 'IfNotPresent' as const }
      : this.options.images
        ? await this.options.images({ artifact: spec.artifact, version: spec.version, ...(registry ? { registry } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) })
        : undefined;
    if (!image) throw new CoreError('E2020', `${spec.agent} ${spec.version} has no image and this machine cannot build one (no Docker engine). Start Docker, or deploy a version built elsewhere.`);

    const runtimeClassName = await this.runtimeClassFor(clients, spec.trust);
    const current = await readObject<KubeObject>(clients, { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.resourceName, namespace });
    this.assertOurs(current, `Deployment ${namespace}/${spec.resourceName}`, where);
    const previousId = current?.metadata.annotations?.[ANNOTATIONS.deployment];
    const previous = previousId && previousId !== spec.deploymentId ? this.states.read(previousId) : undefined;

    const state: KubeDeploymentState = {
      deploymentId: spec.deploymentId,
      agent: spec.agent,
      resourceName: spec.resourceName,
      version: spec.version,
      contentHash: spec.artifact.contentHash,
      context: clients.context,
      namespace,
      image: image.ref,
      imagePullPolicy: image.pullPolicy,
      ...(image.pullSecret ? { imagePullSecret: image.pullSecret.name } : {}),
      replicas: spec.kubernetes?.autoscale?.minReplicas ?? spec.replicas,
      configDir: spec.configDir,
      trust: spec.trust,
      ...(spec.resources ? { resources: spec.resources } : {}),
      port: spec.port,
      ...(spec.kubernetes?.autoscale ? { autoscale: spec.kubernetes.autoscale } : {}),
      ...(runtimeClassName ? { runtimeClassName } : {}),
      progressDeadlineSeconds: this.progressDeadlineSeconds,
      desired: 'running',
      home: this.options.home,
      updatedAt: new Date().toISOString(),
    };
    // Written before anything is applied: a deploy killed half-way leaves a state file, so
    // reconcile's delete knows where its objects are.
    this.states.write(state);

    progress('starting', `applying to ${where}`);
    await this.ensureNamespace(clients, namespace, progress);
    if (image.pullSecret) {
      await applyObject(clients, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: image.pullSecret.name, namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.home]: this.options.home } },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': image.pullSecret.dockerConfigJson },
      });
    }
    const generation = await this.applyAll(clients, state, await readConfigFiles(spec.configDir));
    progress('starting', `rolling out ${spec.agent} ${spec.version} in ${where}`);
    const outcome = await this.waitForRollout(clients, state, generation, options.signal, (message) => progress('starting', message));
    if (!outcome.ok) {
      const rolledBackTo = previous ? await this.restorePrevious(clients, previous, progress) : undefined;
      throw new CoreError(
        'E2010',
        `${spec.agent} ${spec.version} did not roll out in ${where}: ${outcome.reason}.${rolledBackTo ? ` Rolled back: ${rolledBackTo} is serving again.` : ''} See kubectl --context ${clients.context} -n ${namespace} describe deployment ${spec.resourceName}.`,
        { deploymentId: spec.deploymentId, ...(rolledBackTo ? { rolledBackTo } : {}) },
      );
    }
    const status = await this.status(spec.deploymentId);
    return { ...(status ?? { deploymentId: spec.deploymentId, replicas: [] }), readinessGated: true };
  }

  async status(deploymentId: string): Promise<DeploymentStatus | undefined> {
    const state = this.states.read(deploymentId);
    if (!state) return undefined;
    const pods = (await this.podsOf(state)).filter((pod) => pod.metadata?.labels?.[LABELS.deployment] === deploymentId);
    const replicas = await Promise.all(
      pods.map(async (pod) => {
        const replica = podReplica(pod);
        // Running pods get a loopback endpoint through the API server's pod proxy (kube-relay.ts),
        // so telemetry and the playground reach them as they reach every other replica.
        if (replica.state !== 'running' || !pod.status?.podIP) return replica;
        return { ...replica, endpoint: await this.relay.endpoint({ context: state.context, namespace: state.namespace, kind: 'pods', name: replica.id, port: state.port }, deploymentId) };
      }),
    );
    this.relay.retain(deploymentId, new Set(replicas.filter((replica) => replica.endpoint).map((replica) => replica.id)));
    const location = `${state.context}/${state.namespace}`;
    if (replicas.length === 0 && state.desired !== 'running') {
      const parked = state.desired === 'suspended' ? 'suspended' : 'stopped';
      return { deploymentId, location, replicas: Array.from({ length: state.replicas }, (_, i) => ({ id: `${state.resourceName}-${i}`, state: parked, restarts: 0 })) };
    }
    return { deploymentId, location, replicas };
  }

  stop(deploymentId: string): Promise<void> {
    return this.setDesired(deploymentId, 'stopped');
  }

  start(deploymentId: string): Promise<void> {
    return this.setDesired(deploymentId, 'running');
  }

  suspend(deploymentId: string): Promise<void> {
    return this.setDesired(deploymentId, 'suspended');
  }

  resume(deploymentId: string): Promise<void> {
    return this.setDesired(deploymentId, 'running');
  }

  /** A rolling restart: a new pod-template annotation makes a new ReplicaSet; old pods go as new ones are ready. */
  async restart(deploymentId: string): Promise<void> {
    const { state, clients } = await this.owned(deploymentId, 'restart');
    const next = { ...state, restartedAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    this.states.write(next);
    await applyObject(clients, deploymentObject(next));
  }

  async scale(deploymentId: string, replicas: number): Promise<DeploymentStatus> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new CoreError('E2023', `Replicas must be a whole number ≥ 0 (got ${replicas}).`);
    const { state, clients } = await this.owned(deploymentId, 'scale');
    const autoscale = state.autoscale ? { ...state.autoscale, minReplicas: Math.max(1, replicas), maxReplicas: Math.max(state.autoscale.maxReplicas, replicas) } : undefined;
    const next: KubeDeploymentState = { ...state, replicas, ...(autoscale ? { autoscale } : {}), updatedAt: new Date().toISOString() };
    this.states.write(next);
    await this.applyWorkload(clients, next);
    return (await this.status(deploymentId)) ?? { deploymentId, replicas: [] };
  }

  /** Removes the deployment's config objects and, while it is the one the agent's Deployment runs, the workload objects too. */
  async delete(deploymentId: string): Promise<void> {
    const state = this.states.read(deploymentId);
    if (!state) return;
    const clients = await this.options.contexts.open(state.context);
    const { namespace, resourceName } = state;
    let workloadDeleted = false;
    for (const kind of WORKLOAD_KINDS) {
      const object = await readObject<KubeObject>(clients, { ...kind, name: resourceName, namespace });
      if (!object || object.metadata.annotations?.[ANNOTATIONS.deployment] !== deploymentId || object.metadata.labels?.[LABELS.home] !== this.options.home) continue;
      await deleteObject(clients, { ...kind, name: resourceName, namespace });
      if (kind.kind === 'Deployment') workloadDeleted = true;
    }
    const configName = configObjectName(state);
    await deleteObject(clients, { apiVersion: 'v1', kind: 'ConfigMap', name: configName, namespace });
    await deleteObject(clients, { apiVersion: 'v1', kind: 'Secret', name: configName, namespace });
    if (workloadDeleted) await this.waitForPodsGone(clients, state);
    this.states.remove(deploymentId);
    this.relay.retain(deploymentId, new Set());
    this.subscriptions.get(deploymentId)?.dispose();
    this.subscriptions.delete(deploymentId);
  }

  /** Pushes the current keys.json/secrets.json (and budget.json) to the Secret/ConfigMap; the runtime sees the kubelet's update and reloads. */
  async reload(deploymentId: string): Promise<void> {
    const state = this.states.read(deploymentId);
    if (!state) throw new CoreError('E2023', `Deployment ${deploymentId} is not on the Kubernetes target of this data dir.`);
    const clients = await this.options.contexts.open(state.context);
    for (const object of configObjects(state, await readConfigFiles(state.configDir))) await applyObject(clients, object);
  }

  logs(deploymentId: string, options: LogOptions, onLine: (line: LogLine) => void): Disposable {
    const controllers: AbortController[] = [];
    let disposed = false;
    void (async () => {
      const state = this.states.read(deploymentId);
      if (!state) throw new CoreError('E2023', `Deployment ${deploymentId} is not on the Kubernetes target of this data dir.`);
      const clients = await this.options.contexts.open(state.context);
      const pods = (await this.podsOf(state)).filter((pod) => pod.metadata?.labels?.[LABELS.deployment] === deploymentId);
      const log = new Log(clients.config);
      let pending = pods.length;
      if (pending === 0) return options.onEnd?.();
      let firstError: Error | undefined;
      for (const pod of pods) {
        const replica = pod.metadata!.name!;
        let buffered = '';
        const sink = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            buffered += chunk.toString('utf8');
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const raw of lines) {
              const space = raw.indexOf(' ');
              const time = space > 0 ? raw.slice(0, space) : new Date().toISOString();
              if (!disposed) onLine({ replica, stream: 'stdout', time, line: space > 0 ? raw.slice(space + 1) : raw });
            }
            callback();
          },
        });
        const finished = (error?: unknown): void => {
          if (error && !firstError) firstError = kubeFailure(error, clients, `reading the logs of pod ${state.namespace}/${replica}`);
          pending -= 1;
          if (pending === 0 && !disposed) options.onEnd?.(firstError);
        };
        const controller = await log.log(state.namespace, replica, 'runtime', sink, finished, { follow: options.follow ?? false, timestamps: true, ...(options.tail !== undefined ? { tailLines: options.tail } : {}) }).catch((error: unknown) => {
          finished(error);
          return undefined;
        });
        if (controller) controllers.push(controller);
        if (disposed) controller?.abort();
      }
    })().catch((error: unknown) => {
      if (!disposed) options.onEnd?.(error instanceof Error ? error : new Error(errorMessage(error)));
    });
    return {
      dispose: () => {
        disposed = true;
        for (const controller of controllers) controller.abort();
      },
    };
  }

  /** Deployments of this data dir, in the contexts it deployed to (other contexts are never contacted). */
  async discover(): Promise<{ deploymentId: string; agent: string; version: string }[]> {
    const found = new Map<string, { deploymentId: string; agent: string; version: string }>();
    const contexts = new Set(this.states.list().map((state) => state.context));
    const selector = `${MANAGED_SELECTOR},${LABELS.home}=${this.options.home}`;
    for (const context of contexts) {
      const clients = await this.options.contexts.open(context);
      for (const kind of [{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'v1', kind: 'ConfigMap' }]) {
        for (const object of await listObjects<KubeObject>(clients, kind.apiVersion, kind.kind, undefined, selector)) {
          const deploymentId = object.metadata.annotations?.[ANNOTATIONS.deployment];
          if (!deploymentId) continue;
          found.set(deploymentId, { deploymentId, agent: object.metadata.annotations?.[ANNOTATIONS.agentName] ?? '', version: object.metadata.annotations?.[ANNOTATIONS.version] ?? '' });
        }
      }
    }
    return [...found.values()];
  }

  /** The default context's API server: reachable, and its version; never waits more than 3 s. */
  async probe(): Promise<{ available: boolean; version?: string; problem?: string }> {
    try {
      const clients = await this.options.contexts.open();
      const version = await withTimeout(clients.version.getCode(), 3000, `the API server of context ${clients.context} did not answer within 3 s`);
      return { available: true, version: version.gitVersion };
    } catch (error) {
      return { available: false, problem: errorMessage(error) };
    }
  }

  /** Where a deployment runs (context, namespace, autoscaling), so a redeploy or rollback goes to the same place. */
  placement(deploymentId: string): KubernetesPlacement | undefined {
    const state = this.states.read(deploymentId);
    return state ? { context: state.context, namespace: state.namespace, ...(state.autoscale ? { autoscale: state.autoscale } : {}) } : undefined;
  }

  /** Drops a context's cached clients and connections: the next use reads the kubeconfig again (after a new login). */
  reconnect(context: string): void {
    this.options.contexts.forget(context);
  }

  /** Namespaces of a context (the Deploy view's picker); those the user may not list are not guessed. */
  async namespaces(context?: string): Promise<string[]> {
    const clients = await this.options.contexts.open(context);
    const namespaces = await listObjects<KubeObject>(clients, 'v1', 'Namespace', undefined, '');
    return namespaces.map((ns) => ns.metadata.name).sort();
  }

  /**
   * The Kubernetes Events about the agent's objects (its Deployment, ReplicaSets, pods, autoscaler),
   * from the shared events watch of its namespace: the ones the cluster still keeps first, then new
   * ones as they happen. Each event version is delivered once.
   */
  followEvents(deploymentId: string, onEvent: (event: TargetEvent) => void): Disposable {
    const state = this.states.read(deploymentId);
    if (!state) return { dispose: () => undefined };
    const isAgents = agentObjectMatcher(state.resourceName);
    const seen = new Set<string>();
    const deliver = (event: CoreV1Event): void => {
      const version = event.metadata?.resourceVersion;
      if (!version || seen.has(version) || !isAgents(event.involvedObject.kind, event.involvedObject.name)) return;
      seen.add(version);
      onEvent({
        id: Number(version),
        time: new Date(eventTime(event) || Date.now()).toISOString(),
        level: event.type === 'Warning' ? 'warn' : 'info',
        reason: event.reason ?? '',
        message: event.message ?? '',
        object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
        count: event.count ?? event.series?.count ?? 1,
      });
    };
    const subscription = this.hub.subscribe<CoreV1Event>({ context: state.context, resource: 'events', namespace: state.namespace }, { onChange: (type, event) => type !== 'delete' && deliver(event) });
    // A watch someone else opened earlier does not replay its list to a new subscriber.
    void subscription.synced().then(() => subscription.list().sort((a, b) => eventTime(a) - eventTime(b)).forEach(deliver), () => undefined);
    return { dispose: () => subscription.dispose() };
  }

  async dispose(): Promise<void> {
    for (const subscription of this.subscriptions.values()) subscription.dispose();
    this.subscriptions.clear();
    this.hub.dispose();
    await this.relay.close();
    await this.options.contexts.dispose();
  }

  // --- internals ------------------------------------------------------------------------------

  /** Applies every object of a deployment; resolves with the Deployment's new generation. */
  private applyAll(clients: KubeClients, state: KubeDeploymentState, files: Record<string, string>): Promise<number> {
    return this.applyObjects(clients, state, deploymentObjects(state, files));
  }

  /** Re-applies the workload objects (not the config) of a state: lifecycle changes. */
  private applyWorkload(clients: KubeClients, state: KubeDeploymentState): Promise<number> {
    return this.applyObjects(clients, state, deploymentObjects(state, {}).filter((o) => o.kind !== 'ConfigMap' && o.kind !== 'Secret'));
  }

  /**
   * What the pods depend on (config, Service, policies) in parallel, then the Deployment (its pods
   * mount the config), then the autoscaler that scales it. A leftover autoscaler of an earlier
   * autoscaled version goes when this one has none.
   */
  private async applyObjects(clients: KubeClients, state: KubeDeploymentState, objects: KubeObject[]): Promise<number> {
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const autoscaler = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    await Promise.all(objects.filter((o) => o !== deployment && o !== autoscaler).map((object) => applyObject(clients, object)));
    const applied = deployment ? await applyObject(clients, deployment) : undefined;
    if (autoscaler) await applyObject(clients, autoscaler);
    else await this.removeStaleAutoscaler(clients, state);
    return Number((applied?.metadata as { generation?: number } | undefined)?.generation ?? 0);
  }

  private async removeStaleAutoscaler(clients: KubeClients, state: KubeDeploymentState): Promise<void> {
    const ref = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: state.resourceName, namespace: state.namespace };
    const hpa = await readObject<KubeObject>(clients, ref);
    if (hpa?.metadata.labels?.[LABELS.managedBy] === MANAGED_BY) await deleteObject(clients, ref);
  }

  private async setDesired(deploymentId: string, desired: DesiredState): Promise<void> {
    const { state, clients } = await this.owned(deploymentId, desired === 'running' ? 'start' : desired === 'stopped' ? 'stop' : 'suspend');
    const next = { ...state, desired, updatedAt: new Date().toISOString() };
    this.states.write(next);
    await this.applyWorkload(clients, next);
  }

  /** The state of a deployment whose Deployment object it still owns (a superseded one may not change the agent's pods). */
  private async owned(deploymentId: string, doing: string): Promise<{ state: KubeDeploymentState; clients: KubeClients }> {
    const state = this.states.read(deploymentId);
    if (!state) throw new CoreError('E2023', `Cannot ${doing} deployment ${deploymentId}: it is not on the Kubernetes target of this data dir.`);
    const clients = await this.options.contexts.open(state.context);
    const current = await readObject<KubeObject>(clients, { apiVersion: 'apps/v1', kind: 'Deployment', name: state.resourceName, namespace: state.namespace });
    if (!current) throw new CoreError('E2023', `Cannot ${doing} ${state.agent}: Deployment ${state.namespace}/${state.resourceName} no longer exists in context ${state.context}; deploy it again.`);
    const owner = current.metadata.annotations?.[ANNOTATIONS.deployment];
    if (owner !== deploymentId) throw new CoreError('E2023', `Cannot ${doing} deployment ${deploymentId}: Deployment ${state.namespace}/${state.resourceName} now runs another deployment (${owner ?? 'unknown'}).`);
    return { state, clients };
  }

  private assertOurs(object: KubeObject | undefined, what: string, where: string): void {
    if (!object) return;
    const labels = object.metadata.labels ?? {};
    if (labels[LABELS.managedBy] !== MANAGED_BY) throw new CoreError('E2007', `${what} already exists in ${where} and is not managed by AgentDock; rename the agent or pick another namespace (AgentDock never takes over objects it did not create).`);
    if (labels[LABELS.home] !== this.options.home) throw new CoreError('E2007', `${what} in ${where} belongs to another AgentDock installation (another data dir); pick another namespace, or delete it from there.`);
  }

  private async ensureNamespace(clients: KubeClients, namespace: string, progress: (phase: ProgressEvent['phase'], message: string) => void): Promise<void> {
    let existing: KubeObject | undefined;
    try {
      existing = await readObject<KubeObject>(clients, { apiVersion: 'v1', kind: 'Namespace', name: namespace });
    } catch (error) {
      // Allowed to deploy into a namespace but not to read namespaces (a common RBAC setup): go ahead.
      if ((error as CoreError).details?.status === 403) return;
      throw error;
    }
    if (!existing) {
      progress('starting', `creating namespace ${namespace} (Pod Security: restricted)`);
      await applyObject(clients, namespaceObject(namespace, this.options.home));
    } else if (existing.metadata.labels?.[LABELS.managedBy] === MANAGED_BY) {
      const wanted = namespaceObject(namespace, existing.metadata.labels[LABELS.home] ?? this.options.home);
      const labels = existing.metadata.labels;
      if (Object.entries(wanted.metadata.labels ?? {}).some(([key, value]) => labels[key] !== value)) await applyObject(clients, wanted);
    }
    // A namespace someone else made keeps its labels: AgentDock does not change policy it does not own.
  }

  /** RuntimeClass for a trust level, when the cluster has one (seed 001); CONFIDENTIAL requires one. */
  private async runtimeClassFor(clients: KubeClients, trust: TrustLevel): Promise<string | undefined> {
    if (trust === 'TRUSTED') return undefined;
    let runtimeClasses: { name: string; handler: string }[];
    try {
      const list = await clients.node.listRuntimeClass();
      runtimeClasses = list.items.map((rc) => ({ name: rc.metadata?.name ?? '', handler: rc.handler }));
    } catch (error) {
      if (trust === 'CONFIDENTIAL') throw kubeFailure(error, clients, 'listing RuntimeClasses for a CONFIDENTIAL deployment');
      return undefined;
    }
    // Clusters name classes freely; the handler says which runtime runs the pods.
    const offered = runtimeClasses.flatMap((rc) => [rc.name, rc.handler]).filter(Boolean);
    const nameOf = (nameOrHandler: string | undefined): string | undefined => runtimeClasses.find((rc) => rc.name === nameOrHandler || rc.handler === nameOrHandler)?.name;
    if (trust === 'STANDARD') return nameOf(firstAvailable(GVISOR_RUNTIMES, offered));
    if (trust === 'UNTRUSTED') return nameOf(firstAvailable(KATA_RUNTIMES, offered) ?? firstAvailable(GVISOR_RUNTIMES, offered));
    const confidential = nameOf(firstAvailable(CONFIDENTIAL_RUNTIMES, offered));
    if (!confidential) {
      throw new CoreError('E2021', `Trust level CONFIDENTIAL needs a confidential-computing RuntimeClass (one of ${CONFIDENTIAL_RUNTIMES.join(', ')}), and context ${clients.context} has none (it has: ${offered.join(', ') || 'none'}). Deploy as UNTRUSTED, or use a cluster with confidential nodes.`);
    }
    return confidential;
  }

  private async waitForRollout(
    clients: KubeClients,
    state: KubeDeploymentState,
    generation: number,
    signal: AbortSignal | undefined,
    onWaiting: (message: string) => void,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    // The deadline is the cluster's (progressDeadlineSeconds); ours only guards against a cluster
    // that never reports one (an API server that died and never came back).
    const started = Date.now();
    const deadline = started + (state.progressDeadlineSeconds + 30) * 1000;
    // Woken by the watch's events for this Deployment; the 200 ms tick only covers a quiet watch.
    let wake: (() => void) | undefined;
    const subscription = this.hub.subscribe<V1Deployment>(
      { context: clients.context, resource: 'deployments', namespace: state.namespace, labelSelector: MANAGED_SELECTOR },
      { onChange: (_type, deployment) => deployment.metadata?.name === state.resourceName && wake?.() },
    );
    try {
      let lastWaiting = '';
      for (;;) {
        if (signal?.aborted) return { ok: false, reason: 'the deploy was cancelled' };
        const deployment = subscription.list().find((d) => d.metadata?.name === state.resourceName);
        if (deployment) {
          const rollout = rolloutState(deployment, generation);
          if (rollout.done) return { ok: true };
          // A deadline can only pass progressDeadlineSeconds after our apply; one reported sooner is
          // the previous rollout's, still on the Deployment until this one makes progress.
          if (rollout.failed && Date.now() - started >= state.progressDeadlineSeconds * 1000) return { ok: false, reason: await this.explain(clients, state, rollout.reason) };
          if (rollout.failed && lastWaiting !== 'waiting for progress') onWaiting((lastWaiting = 'waiting for progress'));
          else if (!rollout.failed && rollout.waiting !== lastWaiting) onWaiting((lastWaiting = rollout.waiting));
        }
        if (Date.now() > deadline) return { ok: false, reason: await this.explain(clients, state, `no rollout progress reported within ${state.progressDeadlineSeconds + 30} s`) };
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      subscription.dispose();
    }
  }

  /** The rollout's failure with the reasons its new pods give (Unschedulable: 0/2 nodes…, ImagePullBackOff…). */
  private async explain(clients: KubeClients, state: KubeDeploymentState, reason: string): Promise<string> {
    try {
      const pods = await clients.core.listNamespacedPod({ namespace: state.namespace, labelSelector: `${LABELS.deployment}=${state.deploymentId}` });
      const problems = [...new Set(pods.items.map(podProblem).filter((p): p is string => Boolean(p)))];
      return problems.length ? `${reason}; pods: ${problems.join('; ')}` : reason;
    } catch {
      return reason;
    }
  }

  /** Re-applies the previous deployment's workload after a failed rollout; returns its version label. */
  private async restorePrevious(clients: KubeClients, previous: KubeDeploymentState, progress: (phase: ProgressEvent['phase'], message: string) => void): Promise<string | undefined> {
    progress('starting', `rollout failed; restoring ${previous.version}`);
    try {
      const generation = await this.applyWorkload(clients, previous);
      const restored = await this.waitForRollout(clients, { ...previous, progressDeadlineSeconds: Math.min(previous.progressDeadlineSeconds, 120) }, generation, undefined, (message) => progress('starting', `restoring ${previous.version}: ${message}`));
      return restored.ok ? previous.version : `${previous.version} (re-applied; its rollout is still in progress)`;
    } catch (error) {
      progress('starting', `restoring ${previous.version} failed: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The agent's pods in its namespace, from the shared pod watch (one per context and namespace). */
  private async podsOf(state: KubeDeploymentState): Promise<V1Pod[]> {
    let subscription = this.subscriptions.get(state.deploymentId);
    if (!subscription) {
      subscription = this.hub.subscribe<V1Pod>({ context: state.context, resource: 'pods', namespace: state.namespace, labelSelector: MANAGED_SELECTOR });
      this.subscriptions.set(state.deploymentId, subscription);
    }
    const watchState = subscription.state();
    // A lost API server: say so (with when the watch tries again) instead of serving stale pods.
    if (watchState.state === 'offline') throw new CoreError('E2020', `${watchState.error} (retrying in ${Math.max(1, Math.round(watchState.retryInMs / 1000))} s)`);
    if (watchState.state !== 'online') {
      try {
        await withTimeout(subscription.synced(), 5000, `the pod list of ${state.context}/${state.namespace} did not arrive within 5 s`);
      } catch (error) {
        // Offline: the watch keeps retrying in the background; this call says why it has nothing.
        throw error instanceof CoreError ? error : new CoreError('E2020', errorMessage(error));
      }
    }
    return subscription.list().filter((pod) => pod.metadata?.labels?.[LABELS.agent] === state.resourceName);
  }

  private async waitForPodsGone(clients: KubeClients, state: KubeDeploymentState): Promise<void> {
    const deadline = Date.now() + (this.options.deleteTimeoutMs ?? 60_000);
    for (;;) {
      const pods = await clients.core.listNamespacedPod({ namespace: state.namespace, labelSelector: `${LABELS.deployment}=${state.deploymentId}` }).catch((error: unknown) => {
        throw kubeFailure(error, clients, `listing pods of ${state.agent}`);
      });
      if (pods.items.length === 0) return;
      if (Date.now() > deadline) throw new CoreError('E2021', `${pods.items.length} pod(s) of ${state.agent} in ${state.context}/${state.namespace} are still terminating after ${Math.round((this.options.deleteTimeoutMs ?? 60_000) / 1000)} s; they go on their own (check finalizers with kubectl describe pod).`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The config bundle's files (spec.json, runtime.json, keys.json, secrets.json, budget.json…). */
export async function readConfigFiles(configDir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(configDir)) {
    if (!name.endsWith('.json')) continue;
    files[name] = await readFile(path.join(configDir, name), 'utf8');
  }
  return files;
}

/**
 * Whether an object belongs to the agent: its own workload objects carry its name; ReplicaSets add
 * a pod-template hash, pods one more suffix (`lead-7f5b7bb457-x2x9q`). Checked by shape, so agent
 * `lead` does not collect the events of agent `lead-gen`.
 */
export function agentObjectMatcher(resourceName: string): (kind: string | undefined, name: string | undefined) => boolean {
  const escaped = resourceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const replicaSet = new RegExp(`^${escaped}-[a-z0-9]{6,10}$`);
  const pod = new RegExp(`^${escaped}-[a-z0-9]{6,10}-[a-z0-9]{5}$`);
  return (kind, name) => {
    if (!name) return false;
    if (kind === 'ReplicaSet') return replicaSet.test(name);
    if (kind === 'Pod') return pod.test(name);
    return name === resourceName;
  };
}

function eventTime(event: CoreV1Event): number {
  const time = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return time ? new Date(time).getTime() : 0;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CoreError('E2020', message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

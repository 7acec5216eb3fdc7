/**
 * The control plane's internal contracts (ARCHITECTURE.md §1, §4–6): what a deploy target does,
 * what a build produces, and the error codes the core reports. Targets (process, Docker, and
 * later Kubernetes) implement `Target`; the deploy controller only talks to this interface.
 */
import { errorName } from '../../src-shared/error-codes';
import type { CoreErrorCode } from '../../src-shared/error-codes';

/** Where replicas run. */
export type TargetKind = 'process' | 'docker' | 'kubernetes';

/** Seed 001 trust levels; each target maps them to isolation (network, security context, runtime class). */
export const TRUST_LEVELS = ['TRUSTED', 'STANDARD', 'UNTRUSTED', 'CONFIDENTIAL'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/** What a build produces for one immutable version. */
export interface BuildArtifact {
  agent: string;
  /** DNS-safe resource name (`toResourceName(agent)`). */
  resourceName: string;
  /** SHA-256 (hex) over the runtime, the agent source and the frozen config: same inputs → same hash. */
  contentHash: string;
  /** Directory with `runtime/` (the bundled runtime and its files), `agent/` (the agent source) and `spec.json`. */
  bundleDir: string;
  language: 'python' | 'javascript' | 'typescript';
  /** Docker/Kubernetes: the image built from the bundle. */
  image?: { ref: string; id: string };
}

export interface ResourceLimits {
  /** CPU cores (0.5 = half a core). */
  cpus?: number;
  memoryMb?: number;
  pids?: number;
}

/** Horizontal autoscaling (the Kubernetes target's HorizontalPodAutoscaler). */
export interface Autoscale {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation, percent of the request (default 70). */
  cpuPercent?: number;
  /** Target average memory utilisation, percent of the request; none when absent. */
  memoryPercent?: number;
}

/** Where and how a deployment runs on the Kubernetes target; every field has a default. */
export interface KubernetesPlacement {
  /** kubeconfig context (default: the current context). */
  context?: string;
  /** Namespace (default: the context's namespace, else `default`). */
  namespace?: string;
  autoscale?: Autoscale;
  /** A registry from Settings (its URL) to push the image to; without one the image stays local (local clusters). */
  registry?: string;
}

/** Everything a target needs to run one deployment (a version of an agent on that target). */
export interface DeploymentSpec {
  /** Stable id of this deployment (the store's deployments.id). */
  deploymentId: string;
  agent: string;
  resourceName: string;
  /** Human version label, e.g. `v3`. */
  version: string;
  artifact: BuildArtifact;
  /**
   * The runtime config bundle written by the controller for this deployment: spec.json,
   * runtime.json, keys.json, secrets.json (mode 0600). Targets mount or point the runtime at it.
   */
  configDir: string;
  replicas: number;
  trust: TrustLevel;
  resources?: ResourceLimits;
  /** Container-side port of the runtime (`expose.port`); process targets pick loopback ports themselves. */
  port: number;
  /** Kubernetes target only. */
  kubernetes?: KubernetesPlacement;
}

export type ReplicaState = 'starting' | 'running' | 'suspended' | 'stopped' | 'crashed' | 'exited';

export interface ReplicaStatus {
  id: string;
  state: ReplicaState;
  /** `http://127.0.0.1:port` of this replica's runtime, when it has one. */
  endpoint?: string;
  restarts: number;
  startedAt?: string;
  /** Process id or container id, for the console. */
  handle?: string;
  lastError?: string;
}

export interface DeploymentStatus {
  deploymentId: string;
  replicas: ReplicaStatus[];
  /**
   * Set by targets that gate readiness themselves (Kubernetes: the rollout completed, every new
   * pod passed its readiness probe on `/ready`); the controller then skips its HTTP health gate,
   * which needs loopback endpoints.
   */
  readinessGated?: boolean;
  /** Where it runs, for people: `context/namespace` on Kubernetes. */
  location?: string;
}

export interface LogLine {
  replica: string;
  stream: 'stdout' | 'stderr';
  /** ISO-8601. */
  time: string;
  line: string;
}

export interface LogOptions {
  /** Recent lines to deliver first (all the target keeps when absent). */
  tail?: number;
  /** Keep delivering new lines until disposed. */
  follow?: boolean;
  /** Called once when the lines are all delivered (without `follow`) or the logs cannot be read; not after dispose. */
  onEnd?: (error?: Error) => void;
}

export interface Disposable {
  dispose(): void;
}

/** Something the target itself reports about a deployment (Kubernetes Events: scheduling, scaling, image pulls). */
export interface TargetEvent {
  /** Increasing per deployment (the API server's resourceVersion), so the store dedupes a replay. */
  id: number;
  /** ISO-8601. */
  time: string;
  level: 'info' | 'warn';
  reason: string;
  message: string;
  /** `Kind/name` of the object it is about. */
  object: string;
  /** How often it happened (the cluster aggregates repeats). */
  count: number;
}

/** Progress of a long target operation (image build, container start), for the deploy stepper. */
export interface ProgressEvent {
  phase: 'building' | 'pushing' | 'starting' | 'stopping';
  message: string;
}

/** One kind of place replicas run. All methods are idempotent where the operation allows it. */
export interface Target {
  readonly kind: TargetKind;
  /** Starts the deployment's replicas; resolves once they are started (readiness is the controller's health gate). */
  deploy(spec: DeploymentSpec, options?: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void }): Promise<DeploymentStatus>;
  status(deploymentId: string): Promise<DeploymentStatus | undefined>;
  stop(deploymentId: string): Promise<void>;
  start(deploymentId: string): Promise<void>;
  restart(deploymentId: string): Promise<void>;
  suspend(deploymentId: string): Promise<void>;
  resume(deploymentId: string): Promise<void>;
  scale(deploymentId: string, replicas: number): Promise<DeploymentStatus>;
  /** Removes everything the deployment owns on the target, nothing else. */
  delete(deploymentId: string): Promise<void>;
  /** Tells running replicas to re-read keys.json/secrets.json (SIGUSR1): secret rotation without a restart. */
  reload(deploymentId: string): Promise<void>;
  /** Recent lines (`tail`), then new ones while `follow`; dispose to stop. */
  logs(deploymentId: string, options: LogOptions, onLine: (line: LogLine) => void): Disposable;
  /** Deployments this target finds running that carry AgentDock's labels (reconcile after a restart). */
  discover(): Promise<{ deploymentId: string; agent: string; version: string }[]>;
  /** Releases watchers, sockets and supervisors (replicas keep running where the target allows). */
  dispose(): Promise<void>;
  /**
   * Whether the engine or cluster answers now, its version, and which of the base images it builds
   * on are present locally (the console's Targets view). Optional.
   */
  probe?(): Promise<{ available: boolean; version?: string; problem?: string; baseImages?: { ref: string; present: boolean }[] }>;
  /** Where a deployment runs on targets with more than one place (Kubernetes: context and namespace). Optional. */
  placement?(deploymentId: string): KubernetesPlacement | undefined;
  /** Follows what the target reports about a deployment (Kubernetes Events); past ones first. Optional. */
  followEvents?(deploymentId: string, onEvent: (event: TargetEvent) => void): Disposable;
  /** Build artifacts the target keeps outside the data dir (Docker images), for `agentdock cleanup`. Optional. */
  artifacts?(): Promise<TargetArtifact[]>;
  /** Removes one; refuses (E2023) while a replica, running or stopped, still uses it. */
  removeArtifact?(artifact: TargetArtifact): Promise<void>;
}

/** A build artifact a target holds for one agent version's content (a Docker image). */
export interface TargetArtifact {
  id: string;
  agent: string;
  contentHash: string;
  /** Names it is known by (image tags). */
  refs: string[];
  bytes: number;
  /** Epoch ms. */
  createdAt: number;
}

// The code table is shared with the console and the renderer (src-shared/error-codes.ts).
export { CORE_ERROR_CODES } from '../../src-shared/error-codes';
export type { CoreErrorCode } from '../../src-shared/error-codes';

/** A control-plane failure with a code from CORE_ERROR_CODES and a message that says what to do. */
export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = errorName(code);
  }
}

/** The message of anything thrown, for error texts and logs. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The target of a kind, or E2020 saying why it is not there and what to check. */
export function requireTarget(targets: Partial<Record<TargetKind, Target>>, kind: TargetKind): Target {
  const target = targets[kind];
  if (!target) throw new CoreError('E2020', `The ${kind} target is not available here${kind === 'docker' ? ': is a Docker engine running? (docker info)' : ''}.`);
  return target;
}

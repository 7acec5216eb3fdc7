/**
 * The deploy controller (ARCHITECTURE.md §5): validate → build → register the immutable version →
 * start the new replicas → health gate on `/ready` → switch (activate) → stop the old ones. Blue/
 * green: the previous deployment keeps serving until the new one is healthy, so a failed health
 * gate is an automatic rollback — the old version simply stays active — reported with E2010.
 * Rollback to any earlier version goes through the same flow from its stored bundle.
 *
 * Crash safety (README.md): each deploy in progress records its owner (this process) with its
 * row, in one transaction, and heartbeats while it runs; start-up reconcile (reconcile.ts) rolls
 * back deploys whose owner died. Transient target errors are retried with backoff (retry-policy.ts).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { DeployOutcome, DeployStepName } from '../../../src-shared/ipc/console-types';
import { buildAgentBundle } from '../build/agent-bundle';
import { CoreError, errorMessage, requireTarget } from '../contracts';
import type { DeploymentStatus, KubernetesPlacement, ProgressEvent, ResourceLimits, Target, TargetKind, TrustLevel } from '../contracts';
import { locateDockfile, validateDockfileFile } from '../dockfile/validate-file';
import type { Repositories } from '../store';
import { deploymentResource, idempotencyResource } from '../store/deployments-repository';
import type { Deployment } from '../store/deployments-repository';
import type { Environment } from '../store/environments';
import { hashRequest } from '../store/idempotency-repository';
import type { AgentVersion } from '../store/versions-repository';
import type { Vault } from '../vault';
import { ConcurrencyLimits } from './concurrency-limits';
import { deploymentConfigDir, newControlToken, writeDeploymentConfig } from './deployment-config';
import type { RuntimeSettings } from '../../runtime/config/runtime-settings';
import { waitUntilReady } from './health-gate';
import { OwnerLeases } from './owner-leases';
import { withRetry } from './retry-policy';
import type { RetryNotice, RetryOptions, RetryPolicy, Sleep } from './retry-policy';
import { resolveRuntimeSecrets } from './runtime-secrets';
import { restoreSpecSecrets, storeSpecSecrets } from './version-spec-secrets';

// The step names and the result are the console contract's own types: the CLI, the console and
// this controller speak of a deploy in one vocabulary.
export type { DeployStepName } from '../../../src-shared/ipc/console-types';

export interface DeployStep {
  step: DeployStepName;
  message: string;
  at: string;
  /** Set while a transient target error is being retried ("retrying in N s (attempt k of n)"). */
  retry?: { attempt: number; of: number; delayMs: number };
}

export interface DeployOptions {
  target: TargetKind;
  environment?: Environment;
  replicas?: number;
  trust?: TrustLevel;
  actor: string;
  role?: string;
  /** Same key + same request → the first result, one version (seed 003). */
  idempotencyKey?: string;
  /** `--env` values for `${VAR}` in the Dockfile. */
  env?: Record<string, string>;
  budgetUsd?: number;
  provider?: RuntimeSettings['provider'];
  /** Kubernetes target: context, namespace, autoscaling, registry. */
  kubernetes?: KubernetesPlacement;
  /** CPU and memory per replica (Docker and Kubernetes; defaults 1 CPU, 512 MB). */
  resources?: ResourceLimits;
  healthTimeoutMs?: number;
  onStep?: (step: DeployStep) => void;
  /** The target's own progress while it starts replicas (image build output, containers). */
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** What a finished deploy or rollback reports. */
export type DeployResult = DeployOutcome;

export interface DeployControllerOptions {
  repositories: Repositories;
  vault: Vault;
  targets: Partial<Record<TargetKind, Target>>;
  /** `<data dir>`: bundles/ and deployments/ live under it. */
  dataDir: string;
  /** The built runtime directory (`findRuntimeDir()`). */
  runtimeDir: string;
  runtimeVersion: string;
  limits?: ConcurrencyLimits;
  clock?: () => number;
  /** Python interpreter for Python agents on the process target. */
  pythonPath?: string;
  /** Backoff for transient target errors (default base 5 s, max 5 min, jitter 20%, 5 attempts). */
  retry?: Partial<RetryPolicy>;
  /** How retries wait (tests inject one that does not). */
  sleep?: Sleep;
  /** [0, 1) for the retry jitter. */
  random?: () => number;
  /** How often a deploy in progress refreshes its owner's heartbeat, ms (default 15 s). */
  heartbeatMs?: number;
}

const DEFAULT_HEALTH_TIMEOUT_MS = 30_000;
/** Removing a failed or superseded deployment is retried less: reconcile removes what is left. */
const CLEANUP_ATTEMPTS = 3;

/** Deploys, rolls back and tracks agents across targets. */
export class DeployController {
  private readonly limits: ConcurrencyLimits;
  private readonly clock: () => number;
  private readonly leases: OwnerLeases;

  constructor(private readonly options: DeployControllerOptions) {
    this.limits = options.limits ?? new ConcurrencyLimits();
    this.clock = options.clock ?? Date.now;
    this.leases = new OwnerLeases(options.repositories.deployments.owners, { clock: this.clock, ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}) });
  }

  /** Deploys the agent project at `projectDir` (a directory holding a Dockfile, or the Dockfile). */
  async deploy(projectPath: string, options: DeployOptions): Promise<DeployResult> {
    const { repositories: repos } = this.options;
    const idempotency = options.idempotencyKey ? { key: options.idempotencyKey, hash: hashRequest({ projectPath: path.resolve(projectPath), target: options.target, environment: options.environment, replicas: options.replicas, ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}), ...(options.resources ? { resources: options.resources } : {}) }) } : undefined;
    if (!idempotency) return this.deployFresh(projectPath, options);
    // Owner first, then the key: a pending key always has an owner, so a key left pending by a
    // process that died can be told from one that a live process is still working on.
    const resource = idempotencyResource('deploy', idempotency.key);
    const releaseOwner = this.leases.hold(resource);
    try {
      let outcome = repos.idempotency.begin(idempotency.key, 'deploy', idempotency.hash);
      if (outcome.kind === 'pending' && (await this.leases.othersGone(resource))) {
        repos.idempotency.abandon(idempotency.key, 'deploy');
        outcome = repos.idempotency.begin(idempotency.key, 'deploy', idempotency.hash);
      }
      if (outcome.kind === 'replay') return outcome.response as DeployResult;
      if (outcome.kind === 'conflict') throw new CoreError('E2005', `Idempotency key ${idempotency.key} was used for a different deploy request; use a new key.`);
      if (outcome.kind === 'pending') throw new CoreError('E2005', `A deploy with idempotency key ${idempotency.key} is still running (since ${outcome.since}).`);
      try {
        const result = await this.deployFresh(projectPath, options);
        repos.idempotency.complete(idempotency.key, 'deploy', result);
        return result;
      } catch (error) {
        repos.idempotency.abandon(idempotency.key, 'deploy');
        throw error;
      }
    } finally {
      releaseOwner();
    }
  }

  /** Redeploys an earlier immutable version of an agent (rollback) through the same health-gated flow. */
  async rollback(agentName: string, versionLabel: string, options: Omit<DeployOptions, 'idempotencyKey' | 'env'>): Promise<DeployResult> {
    const { repositories: repos } = this.options;
    const started = this.clock();
    const agent = repos.agents.findByName(agentName);
    if (!agent) throw new CoreError('E2004', `No agent named ${agentName}; see agentdock status.`);
    const version = repos.versions.findByLabel(agent.id, versionLabel.replace(/^v/, ''));
    if (!version) throw new CoreError('E2003', `Agent ${agentName} has no version ${versionLabel}; see agentdock versions ${agentName}.`);
    const bundleDir = path.join(this.options.dataDir, 'bundles', agent.resourceName, version.contentHash);
    if (!existsSync(path.join(bundleDir, 'runtime'))) {
      throw new CoreError('E2003', `The build of ${agentName} ${version.label} is no longer on disk (${bundleDir}); deploy it again from its source.`);
    }
    const environment = options.environment ?? 'dev';
    const redacted = JSON.parse(await readFile(path.join(bundleDir, 'spec.json'), 'utf8')) as DockSpec;
    const runSpec = await restoreSpecSecrets(this.options.vault, { redacted, version, environment, actor: options.actor });
    const manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8')) as { language?: 'python' | 'javascript' | 'typescript' };
    const step = this.stepper(options);
    step('rolling_back', `rolling ${agentName} back to ${version.label}`);
    const result = await this.startVersion({
      agentId: agent.id,
      agentName,
      resourceName: agent.resourceName,
      version,
      versionCreated: false,
      runSpec,
      language: manifest.language ?? 'javascript',
      bundleDir,
      reusedBuild: true,
      started,
      options,
      step,
    });
    this.audit(options, 'deploy:rollback', `agent:${agentName}`, true, { version: version.label });
    return result;
  }

  /** The agent's active deployment on a target and the live status of its replicas. */
  async status(agentName: string, target: TargetKind): Promise<{ deployment: Deployment; version: AgentVersion; replicas: DeploymentStatus | undefined } | undefined> {
    const { repositories: repos } = this.options;
    const agent = repos.agents.findByName(agentName);
    if (!agent) return undefined;
    const deployment = repos.deployments.active(agent.id, target);
    if (!deployment) return undefined;
    const version = repos.versions.get(deployment.versionId);
    if (!version) return undefined;
    return { deployment, version, replicas: await requireTarget(this.options.targets, target).status(deployment.id) };
  }

  private async deployFresh(projectPath: string, options: DeployOptions): Promise<DeployResult> {
    const started = this.clock();
    const step = this.stepper(options);
    step('validating', `validating ${projectPath}`);
    const location = await locateDockfile(projectPath);
    if (!location.ok) throw new CoreError('E2001', location.message);
    const validation = await validateDockfileFile(location, { ...(options.env ? { env: options.env } : {}) });
    if (!validation.valid || !validation.spec || !validation.language) {
      const errors = validation.diagnostics.filter((d) => d.severity === 'error');
      throw new CoreError('E2001', `The Dockfile has ${errors.length} error(s); run agentdock validate ${projectPath} to see them.`, { diagnostics: errors });
    }
    const spec = validation.spec;
    step('building', `building ${spec.agent.name}`);
    let bundle;
    try {
      bundle = await buildAgentBundle({
        projectDir: location.projectDir,
        dockfileFile: location.file,
        spec,
        language: validation.language,
        runtimeDir: this.options.runtimeDir,
        bundlesDir: path.join(this.options.dataDir, 'bundles'),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof CoreError) throw error;
      throw new CoreError('E2002', `Building ${spec.agent.name} failed: ${errorMessage(error)}`);
    }
    step('registering', `registering ${spec.agent.name} (${bundle.reused ? 'build reused' : 'new build'})`);
    const { repositories: repos } = this.options;
    const { agent } = repos.agents.getOrCreate(spec.agent.name);
    // The stored spec is the bundle's redacted form: the database never holds interpolated secrets.
    const redactedSpec = JSON.parse(await readFile(path.join(bundle.bundleDir, 'spec.json'), 'utf8')) as unknown;
    const environment = options.environment ?? 'dev';
    // Secrets before the version row: a version, once it exists, is complete (version-spec-secrets.ts).
    await storeSpecSecrets(this.options.vault, { redacted: redactedSpec, runSpec: bundle.runSpec, contentHash: bundle.contentHash, agentId: agent.id, environment, actor: options.actor });
    const { version, created } = repos.versions.createOrGet({
      agentId: agent.id,
      dockfileYaml: await readFile(location.file, 'utf8'),
      spec: redactedSpec,
      contentHash: bundle.contentHash,
      runtimeVersion: this.options.runtimeVersion,
      createdBy: options.actor,
    });
    const result = await this.startVersion({
      agentId: agent.id,
      agentName: spec.agent.name,
      resourceName: agent.resourceName,
      version,
      versionCreated: created,
      runSpec: bundle.runSpec,
      language: bundle.language,
      bundleDir: bundle.bundleDir,
      reusedBuild: bundle.reused,
      started,
      options,
      step,
    });
    this.audit(options, 'deploy:create', `agent:${spec.agent.name}`, true, { version: version.label, deployment: result.deploymentId });
    return result;
  }

  private async startVersion(input: {
    agentId: string;
    agentName: string;
    resourceName: string;
    version: AgentVersion;
    versionCreated: boolean;
    runSpec: DockSpec;
    language: 'python' | 'javascript' | 'typescript';
    bundleDir: string;
    reusedBuild: boolean;
    started: number;
    options: DeployOptions | Omit<DeployOptions, 'idempotencyKey' | 'env'>;
    step: Stepper;
  }): Promise<DeployResult> {
    const { repositories: repos } = this.options;
    const { options, step, version } = input;
    const target = requireTarget(this.options.targets, options.target);
    const environment = options.environment ?? 'dev';
    const replicas = options.replicas ?? 1;
    const placement = options.target === 'kubernetes' ? this.placementFor(input.agentId, target, options.kubernetes) : undefined;
    // Seed 003's per-namespace limit: a Kubernetes namespace, or the target for the others.
    const release = this.limits.acquire(input.agentName, placement ? `kubernetes:${placement.context ?? '(current context)'}/${placement.namespace ?? '(default namespace)'}` : options.target);
    const deployment = repos.deployments.create({
      agentId: input.agentId,
      versionId: version.id,
      targetKind: options.target,
      environment,
      replicas,
      trust: options.trust ?? 'STANDARD',
      createdBy: options.actor,
      status: 'starting',
      owner: this.leases.owner,
    });
    const releaseOwner = this.leases.hold(deploymentResource(deployment.id), { claimed: true });
    const configDir = deploymentConfigDir(this.options.dataDir, deployment.id);
    try {
      await writeDeploymentConfig(configDir, {
        spec: input.runSpec,
        settings: {
          agentVersion: version.label,
          projectDir: options.target === 'process' ? path.join(input.bundleDir, 'agent') : '/app/agent',
          language: input.language,
          ...(this.options.pythonPath && options.target === 'process' ? { pythonPath: this.options.pythonPath } : {}),
          ...(options.budgetUsd !== undefined ? { budget: { limitUsd: options.budgetUsd } } : {}),
          provider: options.provider ?? { mode: 'simulated' },
        },
        keys: repos.apiKeys.keysFile(input.agentId),
        secrets: await resolveRuntimeSecrets(this.options.vault, {
          agentId: input.agentId,
          environment,
          actor: options.actor,
          ...(input.runSpec.auth.jwt?.secret_key ? { jwtSecret: input.runSpec.auth.jwt.secret_key } : {}),
          controlToken: newControlToken(),
        }),
      });
      step('starting', `starting ${replicas} replica(s) of ${input.agentName} ${version.label} on ${options.target}`);
      const spec = {
        deploymentId: deployment.id,
        agent: input.agentName,
        resourceName: input.resourceName,
        version: version.label,
        artifact: { agent: input.agentName, resourceName: input.resourceName, contentHash: version.contentHash, bundleDir: input.bundleDir, language: input.language, ...(version.image ? { image: version.image } : {}) },
        configDir,
        replicas,
        trust: options.trust ?? 'STANDARD',
        port: input.runSpec.expose.port,
        ...(placement ? { kubernetes: placement } : {}),
        ...(options.resources ? { resources: options.resources } : {}),
      };
      // Targets' deploy is idempotent for one deployment id, so a retry converges what the failed attempt left.
      const status = await withRetry(
        () => target.deploy(spec, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) }),
        this.retryOptions(`starting on ${options.target}`, 'starting', step, options.signal),
      );
      // A target that gates readiness itself reaches replicas through per-process relays (Kubernetes:
      // the API server's pod proxy), so its endpoints are neither probed nor stored.
      const endpoints = status.readinessGated ? [] : status.replicas.map((replica) => replica.endpoint).filter((endpoint): endpoint is string => Boolean(endpoint));
      // Targets that gate readiness themselves (a Kubernetes rollout: every new pod passed its
      // readiness probe on /ready) have no loopback endpoints to probe; their ready replicas count.
      const readyReplicas = status.readinessGated ? status.replicas.filter((replica) => replica.state === 'running').length : endpoints.length;
      step('health_gate', status.readinessGated ? `${readyReplicas} replica(s) ready${status.location ? ` in ${status.location}` : ''}` : `waiting for ${endpoints.length} replica(s) to be ready`);
      const gate = status.readinessGated ? { ok: true as const } : await waitUntilReady(endpoints, { timeoutMs: options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) });
      if (!gate.ok || readyReplicas < replicas) {
        const previous = repos.deployments.active(input.agentId, options.target);
        const previousVersion = previous ? repos.versions.get(previous.versionId)?.label : undefined;
        await this.remove(target, deployment.id);
        const loadFailure = gate.ok ? undefined : gate.loadFailure;
        const why = gate.ok ? `only ${readyReplicas} of ${replicas} replicas started` : gate.notReady.map((r) => `${r.endpoint}: ${r.lastStatus}`).join('; ');
        repos.deployments.update(deployment.id, { status: 'failed', error: loadFailure ?? `not ready in time: ${why}` });
        const outcome = loadFailure ? 'could not load' : 'was not healthy in time';
        step('failed', previousVersion ? `${version.label} ${outcome}; ${previousVersion} keeps serving` : `${version.label} ${outcome}`);
        const rolledBack = previousVersion ? ` Rolled back: ${previousVersion} is still active.` : '';
        const message = loadFailure
          ? `${input.agentName} ${version.label} did not start: ${loadFailure}.${rolledBack}`
          : `${input.agentName} ${version.label} was not ready within ${Math.round((options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS) / 1000)} s (${why}).${rolledBack} See agentdock logs ${input.agentName}.`;
        throw new CoreError('E2010', message, {
          deploymentId: deployment.id,
          ...(previousVersion ? { rolledBackTo: previousVersion } : {}),
        });
      }
      step('switching', `switching traffic to ${version.label}`);
      repos.deployments.update(deployment.id, { endpoint: endpoints[0] ?? null });
      const { previous } = repos.deployments.activate(deployment.id);
      // Active now: from here a crash leaves a complete deploy, and reconcile removes the superseded one.
      releaseOwner();
      if (previous) await this.remove(target, previous.id);
      const previousVersion = previous ? repos.versions.get(previous.versionId)?.label : undefined;
      step('active', `${input.agentName} ${version.label} is active at ${endpoints[0] ?? status.location ?? 'its target'}`);
      return {
        agent: input.agentName,
        version: version.label,
        versionCreated: input.versionCreated,
        deploymentId: deployment.id,
        endpoints,
        replicas: status.readinessGated ? readyReplicas : endpoints.length,
        reusedBuild: input.reusedBuild,
        ...(previousVersion ? { previousVersion } : {}),
        durationMs: this.clock() - input.started,
      };
    } catch (error) {
      const current = repos.deployments.get(deployment.id);
      if (current && current.status !== 'failed' && current.status !== 'active') {
        await this.remove(target, deployment.id);
        repos.deployments.update(deployment.id, { status: 'failed', error: errorMessage(error) });
      }
      this.audit(options, 'deploy:start', `agent:${input.agentName}`, false, { version: version.label }, error);
      throw error instanceof CoreError ? error : new CoreError('E2021', `Starting ${input.agentName} ${version.label} failed: ${errorMessage(error)}`);
    } finally {
      releaseOwner();
      release();
    }
  }

  /**
   * Where a new version goes on a target with several places: what the caller named, the rest
   * from the agent's active deployment there (a redeploy or rollback without --namespace lands
   * where the agent runs, not in the context's default namespace).
   */
  private placementFor(agentId: string, target: Target, requested: KubernetesPlacement | undefined): KubernetesPlacement {
    const active = this.options.repositories.deployments.active(agentId, target.kind);
    const current = active ? target.placement?.(active.id) : undefined;
    if (!current || (requested?.context !== undefined && requested.context !== current.context)) return requested ?? {};
    return { ...current, ...requested };
  }

  /**
   * Removes a failed or superseded deployment from its target and its config dir. Retried a few
   * times (a 409 while the engine is still stopping a container); what stays is reconcile's.
   */
  private async remove(target: Target, deploymentId: string): Promise<void> {
    try {
      await withRetry(() => target.delete(deploymentId), { ...this.retryOptions('removing', 'switching', () => undefined), policy: { ...this.options.retry, maxAttempts: Math.min(CLEANUP_ATTEMPTS, this.options.retry?.maxAttempts ?? CLEANUP_ATTEMPTS) } });
      await rm(path.dirname(deploymentConfigDir(this.options.dataDir, deploymentId)), { recursive: true, force: true });
    } catch {
      // Left for reconcile: the row is failed or superseded, so its replicas count as leftovers.
    }
  }

  private retryOptions(doing: string, stepName: DeployStepName, step: Stepper, signal?: AbortSignal): RetryOptions {
    return {
      ...(this.options.retry ? { policy: this.options.retry } : {}),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(signal ? { signal } : {}),
      onRetry: (notice: RetryNotice) => {
        const why = notice.error instanceof Error ? notice.error.message : String(notice.error);
        step(stepName, `${doing} failed (${why}); retrying in ${Math.max(1, Math.round(notice.delayMs / 1000))} s (attempt ${notice.attempt} of ${notice.of})`, {
          attempt: notice.attempt,
          of: notice.of,
          delayMs: notice.delayMs,
        });
      },
    };
  }

  private stepper(options: { onStep?: (step: DeployStep) => void }): Stepper {
    return (name, message, retry) => options.onStep?.({ step: name, message, at: new Date(this.clock()).toISOString(), ...(retry ? { retry } : {}) });
  }

  private audit(options: { actor: string; role?: string }, action: string, target: string, success: boolean, details: Record<string, unknown>, error?: unknown): void {
    this.options.repositories.audit.record({
      actor: options.actor,
      role: options.role ?? 'admin',
      action,
      target,
      success,
      ...(error ? { error: errorMessage(error) } : {}),
      details,
    });
  }
}

type Stepper = (name: DeployStepName, message: string, retry?: DeployStep['retry']) => void;

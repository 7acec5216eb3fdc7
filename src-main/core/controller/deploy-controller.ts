/**
 * The deploy controller (ARCHITECTURE.md §5): validate → build → register the immutable version →
 * start the new replicas → health gate on `/ready` → switch (activate) → stop the old ones. Blue/
 * green: the previous deployment keeps serving until the new one is healthy, so a failed health
 * gate is an automatic rollback — the old version simply stays active — reported with E2010.
 * Rollback to any earlier version goes through the same flow from its stored bundle.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { buildAgentBundle } from '../build/agent-bundle';
import { REDACTED } from '../build/spec-secrets';
import { CoreError } from '../contracts';
import type { DeploymentStatus, Target, TargetKind, TrustLevel } from '../contracts';
import { locateDockfile, validateDockfileFile } from '../dockfile/validate-file';
import type { Repositories } from '../store';
import type { Deployment } from '../store/deployments-repository';
import type { Environment } from '../store/environments';
import { hashRequest } from '../store/idempotency-repository';
import type { AgentVersion } from '../store/versions-repository';
import type { Vault } from '../vault';
import { ConcurrencyLimits } from './concurrency-limits';
import { deploymentConfigDir, newControlToken, PROVIDER_KEY_SECRETS, writeDeploymentConfig } from './deployment-config';
import type { RuntimeSettingsFile, SecretsFile } from './deployment-config';
import { waitUntilReady } from './health-gate';

export type DeployStepName = 'validating' | 'building' | 'registering' | 'starting' | 'health_gate' | 'switching' | 'active' | 'rolling_back' | 'failed';

export interface DeployStep {
  step: DeployStepName;
  message: string;
  at: string;
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
  provider?: RuntimeSettingsFile['provider'];
  healthTimeoutMs?: number;
  onStep?: (step: DeployStep) => void;
  signal?: AbortSignal;
}

export interface DeployResult {
  agent: string;
  version: string;
  versionCreated: boolean;
  deploymentId: string;
  endpoints: string[];
  replicas: number;
  reusedBuild: boolean;
  previousVersion?: string;
  durationMs: number;
}

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
}

const SPEC_SECRETS_PREFIX = 'AGENTDOCK_SPEC_SECRETS_V';
const AUDIT_KEY_SECRET = 'AGENTDOCK_AUDIT_HASH_KEY';
const DEFAULT_HEALTH_TIMEOUT_MS = 30_000;

/** Deploys, rolls back and tracks agents across targets. */
export class DeployController {
  private readonly limits: ConcurrencyLimits;
  private readonly clock: () => number;

  constructor(private readonly options: DeployControllerOptions) {
    this.limits = options.limits ?? new ConcurrencyLimits();
    this.clock = options.clock ?? Date.now;
  }

  /** Deploys the agent project at `projectDir` (a directory holding a Dockfile, or the Dockfile). */
  async deploy(projectPath: string, options: DeployOptions): Promise<DeployResult> {
    const { repositories: repos } = this.options;
    const idempotency = options.idempotencyKey ? { key: options.idempotencyKey, hash: hashRequest({ projectPath: path.resolve(projectPath), target: options.target, environment: options.environment, replicas: options.replicas }) } : undefined;
    if (idempotency) {
      const outcome = repos.idempotency.begin(idempotency.key, 'deploy', idempotency.hash);
      if (outcome.kind === 'replay') return outcome.response as DeployResult;
      if (outcome.kind === 'conflict') throw new CoreError('E2005', `Idempotency key ${idempotency.key} was used for a different deploy request; use a new key.`);
      if (outcome.kind === 'pending') throw new CoreError('E2005', `A deploy with idempotency key ${idempotency.key} is still running (since ${outcome.since}).`);
    }
    try {
      const result = await this.deployFresh(projectPath, options);
      if (idempotency) repos.idempotency.complete(idempotency.key, 'deploy', result);
      return result;
    } catch (error) {
      if (idempotency) repos.idempotency.abandon(idempotency.key, 'deploy');
      throw error;
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
    const runSpec = await this.restoreSpecSecrets(redacted, agent.id, version, environment, options.actor);
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
    return { deployment, version, replicas: await this.target(target).status(deployment.id) };
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
      throw new CoreError('E2002', `Building ${spec.agent.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    step('registering', `registering ${spec.agent.name} (${bundle.reused ? 'build reused' : 'new build'})`);
    const { repositories: repos } = this.options;
    const { agent } = repos.agents.getOrCreate(spec.agent.name);
    // The stored spec is the bundle's redacted form: the database never holds interpolated secrets.
    const redactedSpec = JSON.parse(await readFile(path.join(bundle.bundleDir, 'spec.json'), 'utf8')) as unknown;
    const { version, created } = repos.versions.createOrGet({
      agentId: agent.id,
      dockfileYaml: await readFile(location.file, 'utf8'),
      spec: redactedSpec,
      contentHash: bundle.contentHash,
      runtimeVersion: this.options.runtimeVersion,
      createdBy: options.actor,
    });
    const environment = options.environment ?? 'dev';
    await this.storeSpecSecrets(redactedSpec, bundle.runSpec, agent.id, version, environment, options.actor);
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
    step: (name: DeployStepName, message: string) => void;
  }): Promise<DeployResult> {
    const { repositories: repos } = this.options;
    const { options, step, version } = input;
    const target = this.target(options.target);
    const environment = options.environment ?? 'dev';
    const release = this.limits.acquire(input.agentName, options.target);
    const deployment = repos.deployments.create({
      agentId: input.agentId,
      versionId: version.id,
      targetKind: options.target,
      environment,
      replicas: options.replicas ?? 1,
      trust: options.trust ?? 'STANDARD',
      createdBy: options.actor,
      status: 'starting',
    });
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
        secrets: { ...(await this.runtimeSecrets(input.agentId, environment, input.runSpec, options.actor)), controlToken: newControlToken() },
      });
      step('starting', `starting ${options.replicas ?? 1} replica(s) of ${input.agentName} ${version.label} on ${options.target}`);
      const status = await target.deploy(
        {
          deploymentId: deployment.id,
          agent: input.agentName,
          resourceName: input.resourceName,
          version: version.label,
          artifact: { agent: input.agentName, resourceName: input.resourceName, contentHash: version.contentHash, bundleDir: input.bundleDir, language: input.language, ...(version.image ? { image: version.image } : {}) },
          configDir,
          replicas: options.replicas ?? 1,
          trust: options.trust ?? 'STANDARD',
          port: input.runSpec.expose.port,
        },
        options.signal ? { signal: options.signal } : {},
      );
      const endpoints = status.replicas.map((replica) => replica.endpoint).filter((endpoint): endpoint is string => Boolean(endpoint));
      step('health_gate', `waiting for ${endpoints.length} replica(s) to be ready`);
      const gate = await waitUntilReady(endpoints, { timeoutMs: options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) });
      if (!gate.ok || endpoints.length < (options.replicas ?? 1)) {
        const previous = repos.deployments.active(input.agentId, options.target);
        const previousVersion = previous ? repos.versions.get(previous.versionId)?.label : undefined;
        await target.delete(deployment.id).catch(() => undefined);
        const why = gate.ok ? `only ${endpoints.length} of ${options.replicas ?? 1} replicas started` : gate.notReady.map((r) => `${r.endpoint}: ${r.lastStatus}`).join('; ');
        repos.deployments.update(deployment.id, { status: 'failed', error: `not ready in time: ${why}` });
        step('failed', previousVersion ? `${version.label} was not healthy in time; ${previousVersion} keeps serving` : `${version.label} was not healthy in time`);
        throw new CoreError('E2010', `${input.agentName} ${version.label} was not ready within ${Math.round((options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS) / 1000)} s (${why}).${previousVersion ? ` Rolled back: ${previousVersion} is still active.` : ''} See agentdock logs ${input.agentName}.`, {
          deploymentId: deployment.id,
          ...(previousVersion ? { rolledBackTo: previousVersion } : {}),
        });
      }
      step('switching', `switching traffic to ${version.label}`);
      repos.deployments.update(deployment.id, { endpoint: endpoints[0] ?? null });
      const { previous } = repos.deployments.activate(deployment.id);
      if (previous) {
        await target.delete(previous.id).catch(() => undefined);
        await rm(path.join(this.options.dataDir, 'deployments', previous.id), { recursive: true, force: true });
      }
      const previousVersion = previous ? repos.versions.get(previous.versionId)?.label : undefined;
      step('active', `${input.agentName} ${version.label} is active at ${endpoints[0] ?? 'its target'}`);
      return {
        agent: input.agentName,
        version: version.label,
        versionCreated: input.versionCreated,
        deploymentId: deployment.id,
        endpoints,
        replicas: endpoints.length,
        reusedBuild: input.reusedBuild,
        ...(previousVersion ? { previousVersion } : {}),
        durationMs: this.clock() - input.started,
      };
    } catch (error) {
      const current = repos.deployments.get(deployment.id);
      if (current && current.status !== 'failed' && current.status !== 'active') {
        await target.delete(deployment.id).catch(() => undefined);
        repos.deployments.update(deployment.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
      }
      this.audit(options, 'deploy:start', `agent:${input.agentName}`, false, { version: version.label }, error);
      throw error instanceof CoreError ? error : new CoreError('E2021', `Starting ${input.agentName} ${version.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      release();
    }
  }

  /** secrets.json for a deployment: the agent's vault secrets, provider keys, JWT secret, audit key. */
  private async runtimeSecrets(agentId: string, environment: Environment, spec: DockSpec, actor: string): Promise<SecretsFile> {
    const vault = this.options.vault;
    const all = await vault.resolveForRuntime(agentId, environment, { actor });
    let auditHashKey = all[AUDIT_KEY_SECRET];
    if (!auditHashKey) {
      auditHashKey = randomBytes(32).toString('hex');
      await vault.set(AUDIT_KEY_SECRET, auditHashKey, { environment, agentId, actor: 'agentdock', role: 'admin' });
    }
    const env = Object.fromEntries(Object.entries(all).filter(([name]) => !name.startsWith('AGENTDOCK_')));
    const openai = all[PROVIDER_KEY_SECRETS.openai];
    const anthropic = all[PROVIDER_KEY_SECRETS.anthropic];
    const jwtSecret = spec.auth.jwt?.secret_key;
    return {
      env,
      auditHashKey,
      ...(jwtSecret ? { jwtSecret } : {}),
      providerKeys: { ...(openai ? { openai } : {}), ...(anthropic ? { anthropic } : {}) },
    };
  }

  /** Keeps the version's interpolated secret values in the vault, so a rollback can restore them. */
  private async storeSpecSecrets(redacted: unknown, runSpec: DockSpec, agentId: string, version: AgentVersion, environment: Environment, actor: string): Promise<void> {
    const secrets = collectRedacted(redacted, runSpec as unknown, '');
    if (Object.keys(secrets).length === 0) return;
    await this.options.vault.set(`${SPEC_SECRETS_PREFIX}${version.number}`, JSON.stringify(secrets), { environment, agentId, actor, role: 'admin' });
  }

  private async restoreSpecSecrets(redacted: DockSpec, agentId: string, version: AgentVersion, environment: Environment, actor: string): Promise<DockSpec> {
    const all = await this.options.vault.resolveForRuntime(agentId, environment, { actor });
    const stored = all[`${SPEC_SECRETS_PREFIX}${version.number}`];
    const secrets = stored ? (JSON.parse(stored) as Record<string, string>) : {};
    return fillRedacted(structuredClone(redacted), secrets, '') as DockSpec;
  }

  private target(kind: TargetKind): Target {
    const target = this.options.targets[kind];
    if (!target) throw new CoreError('E2020', `The ${kind} target is not available here${kind === 'docker' ? ': is a Docker engine running? (docker info)' : ''}.`);
    return target;
  }

  private stepper(options: { onStep?: (step: DeployStep) => void }): (name: DeployStepName, message: string) => void {
    return (name, message) => options.onStep?.({ step: name, message, at: new Date(this.clock()).toISOString() });
  }

  private audit(options: { actor: string; role?: string }, action: string, target: string, success: boolean, details: Record<string, unknown>, error?: unknown): void {
    this.options.repositories.audit.record({
      actor: options.actor,
      role: options.role ?? 'admin',
      action,
      target,
      success,
      ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}),
      details,
    });
  }
}

/** Paths (a.b[0]) whose value is REDACTED in `redacted`, with the real value from `real`. */
function collectRedacted(redacted: unknown, real: unknown, at: string): Record<string, string> {
  if (redacted === REDACTED && typeof real === 'string') return { [at]: real };
  if (redacted === null || typeof redacted !== 'object' || real === null || typeof real !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [key, child] of Object.entries(redacted)) Object.assign(out, collectRedacted(child, (real as Record<string, unknown>)[key], at ? `${at}.${key}` : key));
  return out;
}

function fillRedacted(redacted: unknown, secrets: Record<string, string>, at: string): unknown {
  if (redacted === REDACTED) return secrets[at] ?? redacted;
  if (redacted === null || typeof redacted !== 'object') return redacted;
  for (const [key, child] of Object.entries(redacted)) (redacted as Record<string, unknown>)[key] = fillRedacted(child, secrets, at ? `${at}.${key}` : key);
  return redacted;
}

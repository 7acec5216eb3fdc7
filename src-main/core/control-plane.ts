/**
 * The control plane's composition root: one place that opens the store, the vault, the targets
 * and the deploy controller for a data directory. The CLI, serve mode and the Electron app all
 * call `openControlPlane`; tests call it with a temporary data dir.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Dockerode from 'dockerode';
import { createAlerts } from './alerts';
import type { Alerts } from './alerts';
import { findRuntimeDir } from './build/runtime-dir';
import type { Target, TargetKind } from './contracts';
import { AgentOperations } from './controller/agent-operations';
import { DeployController } from './controller/deploy-controller';
import { cleanup } from './controller/cleanup';
import type { CleanupOptions, CleanupReport } from './controller/cleanup';
import { reconcile } from './controller/reconcile';
import { SettingsService } from './settings/settings-service';
import type { ReconcileOptions, ReconcileReport } from './controller/reconcile';
import { createRepositories, databaseFile, ensureDataDir, openDatabase, resolveDataDir, retentionFromEnv, scheduleRetention } from './store';
import type { Repositories, StoreDatabase } from './store';
import { DockerTarget } from './targets/docker/docker-target';
import { homeLabel } from './targets/deployment-identity';
import { ProcessTarget } from './targets/process/process-target';
import { kubeconfigFiles, KubeContexts } from './targets/kubernetes/kube-client';
import { dockerImageSource } from './targets/kubernetes/kube-images';
import { KubernetesTarget } from './targets/kubernetes/kubernetes-target';
import { TelemetryService } from './telemetry/telemetry-service';
import type { TelemetryServiceOptions } from './telemetry/telemetry-service';
import { passphraseKeyProviderFromEnv, Vault } from './vault';
import type { MasterKeyProvider } from './vault';

export interface ControlPlaneOptions {
  /** Default: AGENTDOCK_HOME, else the OS app-data dir. */
  dataDir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** The desktop app passes its keychain-backed key; the CLI derives one from AGENTDOCK_MASTER_KEY. */
  keyProvider?: MasterKeyProvider;
  /** Extra targets (Docker, Kubernetes) added by the caller when their engines are reachable. */
  targets?: Partial<Record<TargetKind, Target>>;
  /** Run retention jobs in the background (long-lived processes: serve mode, the app); windows from settings, AGENTDOCK_RETENTION_*_DAYS overriding. */
  retention?: boolean;
  runtimeVersion?: string;
  /**
   * Reconcile in the background right after opening (long-lived processes: the app, serve mode):
   * adopt what runs, restart what died, roll back interrupted deploys. See `initialReconcile`.
   */
  reconcileOnOpen?: boolean;
  /** How often telemetry looks for new replicas and scrapes metrics (defaults 5 s and 15 s). */
  telemetry?: Pick<TelemetryServiceOptions, 'pollIntervalMs' | 'scrapeIntervalMs'>;
}

export interface ControlPlane {
  dataDir: string;
  db: StoreDatabase;
  repositories: Repositories;
  /** Base images, retention windows and registries (the console's Settings view); the environment overrides what is stored. */
  settings: SettingsService;
  /** Opened on first use: commands that touch no secret need no master key. */
  vault(): Vault;
  /**
   * Chooses the master key before the vault is first used (the desktop app's keychain key needs
   * the open database to know whether a passphrase sealed the vault). Throws once the vault is open.
   */
  setKeyProvider(provider: MasterKeyProvider): void;
  controller(): DeployController;
  /** Alert engine, in-app notifications and channels; opened on first use (channel secrets live in the vault). */
  alerts(): Alerts;
  /** Stop/start/restart/suspend/resume/delete, logs, and pushing rotated keys and secrets to replicas. */
  operations(): AgentOperations;
  /** Telemetry ingest and fleet metrics; opened on first use (the app calls `start()`, the CLI `sync()`), closed by close(). */
  telemetry(): TelemetryService;
  targets: Partial<Record<TargetKind, Target>>;
  /** Start-up reconcile (controller/reconcile.ts); `dryRun` only reports. Safe while other processes deploy. */
  reconcile(options?: ReconcileOptions): Promise<ReconcileReport>;
  /** `agentdock cleanup`: reconcile, then old bundles and images (controller/cleanup.ts). */
  cleanup(options: CleanupOptions): Promise<CleanupReport>;
  /** The reconcile `reconcileOnOpen` started. */
  initialReconcile?: Promise<ReconcileReport>;
  close(): Promise<void>;
}

/** Opens the control plane for a data directory. */
export function openControlPlane(options: ControlPlaneOptions = {}): ControlPlane {
  const env = options.env ?? process.env;
  // Settings are checked before anything is opened, so a bad one leaks nothing.
  if (options.retention) retentionFromEnv(env);
  const dataDir = ensureDataDir(options.dataDir ?? resolveDataDir(env, process.platform));
  const db = openDatabase(databaseFile(dataDir));
  const repositories = createRepositories(db);
  let vault: Vault | undefined;
  let keyProvider = options.keyProvider;
  const openVault = (): Vault => (vault ??= new Vault(db, keyProvider ?? passphraseKeyProviderFromEnv(db, env)));
  const settings = new SettingsService({ db, vault: openVault, env });
  const targets: Partial<Record<TargetKind, Target>> = {
    process: new ProcessTarget({ stateDir: path.join(dataDir, 'process') }),
    ...dockerTarget(dataDir, env, settings),
    ...kubernetesTarget(dataDir, env, settings),
    ...options.targets,
  };
  // Windows are asked before every run, so a changed setting applies without a restart.
  const retention = options.retention ? scheduleRetention(db, { windows: () => settings.retentionWindows() }) : undefined;
  let controller: DeployController | undefined;
  let alerts: Alerts | undefined;
  let operations: AgentOperations | undefined;
  let telemetry: TelemetryService | undefined;
  const reconcileNow = (reconcileOptions?: ReconcileOptions): Promise<ReconcileReport> => reconcile({ dataDir, repositories, targets }, reconcileOptions);
  const initialReconcile = options.reconcileOnOpen ? reconcileNow() : undefined;
  // Observed here so a failure is never an unhandled rejection; callers still see it when they await.
  initialReconcile?.catch(() => undefined);
  return {
    dataDir,
    db,
    repositories,
    settings,
    targets,
    vault: openVault,
    setKeyProvider(provider) {
      if (vault) throw new Error('setKeyProvider: the vault is already open with another key provider; set it right after openControlPlane.');
      keyProvider = provider;
    },
    alerts: () => (alerts ??= createAlerts(db, { vault: openVault })),
    controller: () =>
      (controller ??= new DeployController({
        repositories,
        vault: openVault(),
        targets,
        dataDir,
        runtimeDir: findRuntimeDir(),
        runtimeVersion: options.runtimeVersion ?? 'dev',
        ...(env.AGENTDOCK_PYTHON ? { pythonPath: env.AGENTDOCK_PYTHON } : {}),
      })),
    operations: () => (operations ??= new AgentOperations({ repositories, targets, dataDir, vault: openVault })),
    telemetry: () => (telemetry ??= new TelemetryService({ repositories, targets, dataDir, ...options.telemetry })),
    reconcile: reconcileNow,
    cleanup: (cleanupOptions) => cleanup({ dataDir, repositories, targets }, cleanupOptions),
    ...(initialReconcile ? { initialReconcile } : {}),
    async close() {
      await initialReconcile?.catch(() => undefined);
      retention?.dispose();
      // Before the targets and the database: subscriptions ask targets and the last batch is written.
      await telemetry?.close();
      await alerts?.dispose();
      for (const target of Object.values(targets)) await target?.dispose();
      db.close();
    },
  };
}

/** Whether a Docker engine socket is there (DOCKER_HOST or the default socket); nothing is contacted. */
function dockerSocketPresent(env: Readonly<Record<string, string | undefined>>): boolean {
  const socket = process.platform === 'win32' ? '//./pipe/docker_engine' : '/var/run/docker.sock';
  return Boolean(env.DOCKER_HOST) || existsSync(socket);
}

/**
 * The Kubernetes target when a kubeconfig file is there (KUBECONFIG or ~/.kube/config). Contexts
 * are contacted only when a deployment uses them. Images are built with the local Docker engine
 * (when there is one) and pushed to a registry from Settings when the deploy names one.
 */
function kubernetesTarget(dataDir: string, env: Readonly<Record<string, string | undefined>>, settings: SettingsService): Partial<Record<TargetKind, Target>> {
  if (!kubeconfigFiles(env).some((file) => existsSync(file))) return {};
  return {
    kubernetes: new KubernetesTarget({
      stateDir: path.join(dataDir, 'kubernetes'),
      home: homeLabel(dataDir),
      contexts: new KubeContexts({ env }),
      ...(dockerSocketPresent(env) ? { images: dockerImageSource(new Dockerode(), () => settings.dockerBaseImages()) } : {}),
      registry: async (url) => {
        const registry = settings.registries().find((candidate) => candidate.url === url);
        if (!registry) return undefined;
        const password = await settings.registryPassword(registry.id, { actor: 'agentdock', role: 'admin' });
        return { url: registry.url, ...(registry.username !== undefined ? { username: registry.username } : {}), ...(password !== undefined ? { password } : {}) };
      },
    }),
  };
}

/**
 * The Docker target when an engine socket is there (DOCKER_HOST or the default socket). Nothing is
 * contacted until a Docker command runs, so start-up never waits on a dead engine. Base images
 * come from settings at every build: the official ones by default, or what an admin chose
 * (air-gapped machines, a company mirror), with AGENTDOCK_BASE_IMAGE_NODE / _PYTHON overriding
 * both (CI, the tests' locally made images).
 */
function dockerTarget(dataDir: string, env: Readonly<Record<string, string | undefined>>, settings: SettingsService): Partial<Record<TargetKind, Target>> {
  if (!dockerSocketPresent(env)) return {};
  return {
    docker: new DockerTarget({
      docker: new Dockerode(),
      stateDir: path.join(dataDir, 'docker'),
      home: homeLabel(dataDir),
      baseImages: () => settings.dockerBaseImages(),
    }),
  };
}

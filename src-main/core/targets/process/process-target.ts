/**
 * The embedded default target (ARCHITECTURE.md §6): each replica is a `node agentdock-runtime.js`
 * process on a loopback port the runtime picks itself (AGENTDOCK_PORT=0; its "runtime listening"
 * log line gives the URL, so there is no race between choosing a port and binding it).
 *
 * Replicas are detached (own process group) and log straight into files under
 * `<stateDir>/<deploymentId>/` (run-files.ts), so they keep serving when the console or the CLI
 * exits, and another ProcessTarget on the same stateDir — the next console start, a CLI command —
 * finds them through `discover()` (or on first use of a deployment id) and adopts them after
 * checking each pid really is that replica (process-probe.ts). Supervision (restart with backoff)
 * happens only while some ProcessTarget holds the deployment; after `dispose()` replicas run
 * unsupervised until a ProcessTarget adopts them again. Adopting does not restart replicas that
 * died meanwhile: they show as `stopped`, and the controller's reconcile decides (`converge`
 * starts them when the deployment's desired state is `running`). `delete` also kills replica
 * processes no run file names (a control plane killed between spawn and record), by their marker.
 *
 * Lifecycle: stop = SIGTERM (the runtime drains, exits 0), SIGKILL to the group after the grace;
 * restart = stop then start, one replica at a time so the others keep serving; suspend/resume =
 * SIGSTOP/SIGCONT to the group; reload = SIGUSR1 (keys and secrets re-read); delete = stop and
 * remove the run directory, nothing else (bundles and config dirs belong to the controller).
 *
 * Replicas get a minimal environment (replica-env.ts), never the control plane's own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DeploymentSpec, DeploymentStatus, Disposable, LogLine, LogOptions, ProgressEvent, Target } from '../../contracts';
import { CoreError } from '../../contracts';
import { LogRing } from './log-ring';
import { KeyedQueue } from './keyed-queue';
import { findMarkedProcesses, isReplicaProcess, processState } from './process-probe';
import { replicaEnvironment } from './replica-env';
import { signalGroup } from './replica-process';
import { ReplicaSupervisor } from './replica-supervisor';
import type { ReplicaEvent } from './replica-supervisor';
import { DEFAULT_RESTART_POLICY } from './restart-policy';
import type { RestartPolicy } from './restart-policy';
import { listRunDirs, RunFiles } from './run-files';
import type { DeploymentRecord } from './run-files';

export interface ProcessTargetOptions {
  /** Where per-deployment run files and logs live (e.g. `<data dir>/process`). */
  stateDir: string;
  /** Node binary the replicas run on (default: this process's). */
  nodePath?: string;
  /** Milliseconds since the epoch (restart windows, start times). */
  clock?: () => number;
  restartPolicy?: Partial<RestartPolicy>;
  /** SIGTERM → SIGKILL grace, ms (default 10 s; the runtime is told to drain for 1 s less). */
  stopGraceMs?: number;
  /** How long deploy/start wait for a replica to listen before reporting it as still starting, ms (default 30 s). */
  startTimeoutMs?: number;
  /** How often an adopted replica's pid is checked, ms (default 1 s). */
  livenessPollMs?: number;
  /** Lines kept in memory per deployment for `logs` (default 5,000). */
  logLines?: number;
  /** Size at which a replica's log file is rotated to `.1`, bytes (default 10 MiB). */
  maxLogBytes?: number;
  /** Extra environment for every replica (not secrets: they belong in secrets.json). */
  env?: Readonly<Record<string, string>>;
}

interface Deployment {
  files: RunFiles;
  record: DeploymentRecord;
  replicas: ReplicaSupervisor[];
  ring: LogRing;
}

const PRIME_LOG_BYTES = 256 * 1024;

/** Runs deployments as supervised local processes; see the module header. */
export class ProcessTarget implements Target {
  readonly kind = 'process' as const;
  private readonly deployments = new Map<string, Deployment>();
  private readonly listeners = new Set<(event: ReplicaEvent) => void>();
  private readonly queue = new KeyedQueue();
  private readonly settings: Required<Omit<ProcessTargetOptions, 'restartPolicy' | 'env'>> & { restartPolicy: RestartPolicy; env: Readonly<Record<string, string>> };
  private disposed = false;

  constructor(options: ProcessTargetOptions) {
    this.settings = {
      stateDir: path.resolve(options.stateDir),
      nodePath: options.nodePath ?? process.execPath,
      clock: options.clock ?? Date.now,
      restartPolicy: { ...DEFAULT_RESTART_POLICY, ...options.restartPolicy },
      stopGraceMs: options.stopGraceMs ?? 10_000,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      livenessPollMs: options.livenessPollMs ?? 1000,
      logLines: options.logLines ?? 5000,
      maxLogBytes: options.maxLogBytes ?? 10 * 1024 * 1024,
      env: options.env ?? {},
    };
  }

  /** Every replica state change (started, listening, exited, restarted, crashed, stopped…), until disposed. */
  onEvent(listener: (event: ReplicaEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async deploy(spec: DeploymentSpec, options: { signal?: AbortSignal; onProgress?: (event: ProgressEvent) => void } = {}): Promise<DeploymentStatus> {
    return this.queue.run(spec.deploymentId, async () => {
      options.signal?.throwIfAborted();
      const existing = await this.load(spec.deploymentId);
      if (existing) {
        await this.startAll(existing);
        return statusOf(existing);
      }
      if (!Number.isInteger(spec.replicas) || spec.replicas < 0) throw new CoreError('E2023', `replicas must be a whole number ≥ 0, not ${spec.replicas}`);
      for (const [file, what] of [
        [path.join(spec.artifact.bundleDir, 'runtime', 'agentdock-runtime.js'), 'the bundle has no runtime; build it again'],
        [path.join(spec.configDir, 'runtime.json'), 'the config dir has no runtime.json; the controller writes it before deploying'],
      ] as const) {
        if (!existsSync(file)) throw new CoreError('E2021', `cannot start ${spec.agent} ${spec.version}: ${file} is missing (${what})`, { file });
      }
      const files = new RunFiles(this.settings.stateDir, spec.deploymentId);
      await files.ensureDir();
      const record: DeploymentRecord = { format: 1, spec, replicas: spec.replicas, desired: 'running', createdAt: new Date(this.settings.clock()).toISOString() };
      await files.writeDeployment(record);
      const deployment: Deployment = { files, record, replicas: [], ring: new LogRing(this.settings.logLines) };
      this.deployments.set(spec.deploymentId, deployment);
      for (let index = 0; index < spec.replicas; index++) deployment.replicas.push(await this.createReplica(deployment, index));
      const started = Promise.all(
        deployment.replicas.map(async (replica) => {
          options.onProgress?.({ phase: 'starting', message: `starting ${spec.agent} ${spec.version} ${replica.id}` });
          await replica.start();
        }),
      );
      const aborted = options.signal ? abortPromise(options.signal) : undefined;
      try {
        await (aborted ? Promise.race([started, aborted.promise]) : started);
      } catch (error) {
        await this.remove(deployment);
        throw error;
      } finally {
        aborted?.dispose();
      }
      return statusOf(deployment);
    });
  }

  async status(deploymentId: string): Promise<DeploymentStatus | undefined> {
    const deployment = await this.queue.run(deploymentId, () => this.load(deploymentId));
    return deployment ? statusOf(deployment) : undefined;
  }

  async stop(deploymentId: string): Promise<void> {
    await this.withDeployment(deploymentId, async (deployment) => {
      await this.setDesired(deployment, 'stopped');
      await Promise.all(deployment.replicas.map((replica) => replica.stop(this.settings.stopGraceMs)));
    });
  }

  async start(deploymentId: string): Promise<void> {
    await this.withDeployment(deploymentId, (deployment) => this.startAll(deployment));
  }

  /** Stop then start, one replica at a time, so the others keep serving. */
  async restart(deploymentId: string): Promise<void> {
    await this.withDeployment(deploymentId, async (deployment) => {
      await this.setDesired(deployment, 'running');
      for (const replica of deployment.replicas) {
        await replica.stop(this.settings.stopGraceMs);
        await replica.start();
      }
    });
  }

  async suspend(deploymentId: string): Promise<void> {
    if (process.platform === 'win32') throw new CoreError('E2023', 'suspend needs SIGSTOP, which Windows does not have; stop the deployment instead');
    await this.withDeployment(deploymentId, async (deployment) => {
      await this.setDesired(deployment, 'suspended');
      for (const replica of deployment.replicas) replica.suspend();
    });
  }

  async resume(deploymentId: string): Promise<void> {
    await this.withDeployment(deploymentId, async (deployment) => {
      await this.setDesired(deployment, 'running');
      for (const replica of deployment.replicas) replica.resume();
    });
  }

  async scale(deploymentId: string, replicas: number): Promise<DeploymentStatus> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new CoreError('E2023', `replicas must be a whole number ≥ 0, not ${replicas}`);
    return this.withDeployment(deploymentId, async (deployment) => {
      const removed = deployment.replicas.splice(replicas);
      await Promise.all(
        removed.map(async (replica) => {
          await replica.stop(this.settings.stopGraceMs);
          replica.dispose();
          await deployment.files.removeReplicaFiles(replica.id);
        }),
      );
      const added: ReplicaSupervisor[] = [];
      for (let index = deployment.replicas.length; index < replicas; index++) added.push(await this.createReplica(deployment, index));
      deployment.replicas.push(...added);
      deployment.record.replicas = replicas;
      await deployment.files.writeDeployment(deployment.record);
      if (deployment.record.desired === 'running') await Promise.all(added.map((replica) => replica.start()));
      return statusOf(deployment);
    });
  }

  async delete(deploymentId: string): Promise<void> {
    await this.queue.run(deploymentId, async () => {
      const deployment = await this.load(deploymentId);
      if (deployment) await this.remove(deployment);
      else {
        await killStrays(deploymentId);
        await new RunFiles(this.settings.stateDir, deploymentId).removeAll();
      }
    });
  }

  /**
   * Brings a deployment back to what was last asked of it (reconcile after a restart): when its
   * desired state is `running`, replicas without a process — they died while no control plane
   * supervised them, or with the machine — are started. Returns how many were started.
   */
  async converge(deploymentId: string): Promise<number> {
    return this.queue.run(deploymentId, async () => {
      const deployment = await this.load(deploymentId);
      if (!deployment || deployment.record.desired !== 'running') return 0;
      const idle = deployment.replicas.filter((replica) => replica.status().handle === undefined);
      await Promise.all(idle.map((replica) => replica.start()));
      return idle.length;
    });
  }

  async reload(deploymentId: string): Promise<void> {
    await this.withDeployment(deploymentId, async (deployment) => {
      for (const replica of deployment.replicas) replica.reload();
    });
  }

  logs(deploymentId: string, options: LogOptions, onLine: (line: LogLine) => void): Disposable {
    let disposed = false;
    let follower: Disposable | undefined;
    const end = (error?: Error): void => {
      if (!disposed) options.onEnd?.(error);
    };
    const attach = (deployment: Deployment | undefined): void => {
      if (disposed) return;
      if (!deployment) return end(new CoreError('E2023', `No process deployment ${deploymentId} on this machine.`));
      for (const line of deployment.ring.tail(options.tail)) onLine(line);
      if (options.follow) follower = deployment.ring.follow(onLine);
      else end();
    };
    const known = this.deployments.get(deploymentId);
    if (known) attach(known);
    // Not held yet (a CLI process): adopt it from its run files, then replay.
    else void this.queue.run(deploymentId, () => this.load(deploymentId)).then(attach, (error: unknown) => end(error instanceof Error ? error : new Error(String(error))));
    return {
      dispose: () => {
        disposed = true;
        follower?.dispose();
      },
    };
  }

  /** Every deployment with run files under stateDir; live replicas are adopted, dead ones' run files removed. */
  async discover(): Promise<{ deploymentId: string; agent: string; version: string }[]> {
    const found: { deploymentId: string; agent: string; version: string }[] = [];
    for (const deploymentId of await listRunDirs(this.settings.stateDir)) {
      const deployment = await this.queue.run(deploymentId, () => this.load(deploymentId)).catch(() => undefined);
      // A run dir without deployment.json is a deploy killed before it started anything: still
      // reported (agent and version unknown), so reconcile can remove it.
      found.push(deployment ? { deploymentId, agent: deployment.record.spec.agent, version: deployment.record.spec.version } : { deploymentId, agent: '', version: '' });
    }
    return found;
  }

  /** Stops supervising and following logs; replicas keep running (detached) for the next ProcessTarget. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const deployment of this.deployments.values()) {
      for (const replica of deployment.replicas) replica.dispose();
      deployment.ring.close();
    }
    this.deployments.clear();
    this.listeners.clear();
  }

  private async startAll(deployment: Deployment): Promise<void> {
    await this.setDesired(deployment, 'running');
    await Promise.all(deployment.replicas.map((replica) => replica.start()));
  }

  private async setDesired(deployment: Deployment, desired: DeploymentRecord['desired']): Promise<void> {
    deployment.record.desired = desired;
    await deployment.files.writeDeployment(deployment.record);
  }

  private async remove(deployment: Deployment): Promise<void> {
    await Promise.all(deployment.replicas.map((replica) => replica.stop(this.settings.stopGraceMs)));
    for (const replica of deployment.replicas) replica.dispose();
    deployment.ring.close();
    this.deployments.delete(deployment.files.deploymentId);
    await killStrays(deployment.files.deploymentId);
    await deployment.files.removeAll();
  }

  private async createReplica(deployment: Deployment, index: number): Promise<ReplicaSupervisor> {
    const { spec } = deployment.record;
    const replica = new ReplicaSupervisor({
      deploymentId: spec.deploymentId,
      replica: `replica-${index}`,
      spec,
      files: deployment.files,
      nodePath: this.settings.nodePath,
      env: replicaEnvironment(spec, { stopGraceMs: this.settings.stopGraceMs, extra: this.settings.env }),
      restartPolicy: this.settings.restartPolicy,
      clock: this.settings.clock,
      startTimeoutMs: this.settings.startTimeoutMs,
      livenessPollMs: this.settings.livenessPollMs,
      maxLogBytes: this.settings.maxLogBytes,
      primeLogBytes: PRIME_LOG_BYTES,
      ring: deployment.ring,
      emit: (event) => this.emit(event),
    });
    await replica.init();
    return replica;
  }

  /** The deployment from memory, else from its run files (adopting live replicas), else undefined. */
  private async load(deploymentId: string): Promise<Deployment | undefined> {
    this.assertOpen();
    const known = this.deployments.get(deploymentId);
    if (known) return known;
    const files = new RunFiles(this.settings.stateDir, deploymentId);
    const record = await files.readDeployment();
    if (!record) return undefined;
    const deployment: Deployment = { files, record, replicas: [], ring: new LogRing(this.settings.logLines) };
    for (let index = 0; index < record.replicas; index++) {
      const replica = await this.createReplica(deployment, index);
      deployment.replicas.push(replica);
      const run = await files.readReplica(replica.id);
      if (!run) continue;
      if (await isReplicaProcess(run.pid, deploymentId, replica.id, { agent: record.spec.agent, ...(run.endpoint ? { endpoint: run.endpoint } : {}) })) {
        await replica.adopt(run, (await processState(run.pid)) === 'stopped', record.desired);
      } else {
        await files.removeReplica(replica.id); // dead, or the pid now belongs to something else
      }
    }
    this.deployments.set(deploymentId, deployment);
    return deployment;
  }

  private async withDeployment<T>(deploymentId: string, action: (deployment: Deployment) => Promise<T>): Promise<T> {
    return this.queue.run(deploymentId, async () => {
      const deployment = await this.load(deploymentId);
      if (!deployment) throw new CoreError('E2023', `no deployment ${deploymentId} on the process target; deploy it first`, { deploymentId });
      return action(deployment);
    });
  }

  private emit(event: ReplicaEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break supervision.
      }
    }
  }

  private assertOpen(): void {
    if (this.disposed) throw new CoreError('E2020', 'this ProcessTarget was disposed; create a new one');
  }
}

function statusOf(deployment: Deployment): DeploymentStatus {
  return { deploymentId: deployment.record.spec.deploymentId, replicas: deployment.replicas.map((replica) => replica.status()) };
}

/**
 * Kills replica processes of the deployment that no run file names (see findMarkedProcesses), and
 * waits until they are gone: delete must leave no process behind, even after a kill -9 of the
 * control plane between spawning a replica and recording it.
 */
async function killStrays(deploymentId: string): Promise<void> {
  const strays = await findMarkedProcesses(deploymentId);
  for (const pid of strays) signalGroup(pid, 'SIGKILL');
  for (const pid of strays) {
    for (let waited = 0; waited < 5000 && (await processState(pid)) !== 'gone'; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('deploy aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

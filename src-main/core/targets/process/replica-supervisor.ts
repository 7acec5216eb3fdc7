/**
 * One replica of a process deployment: a detached `node agentdock-runtime.js` child in its own
 * process group, with its stdout/stderr going straight to log files (so it outlives the control
 * plane and keeps logging), supervised while a ProcessTarget holds it.
 *
 * States (contracts.ts ReplicaState): `starting` (spawned, not yet listening) → `running` (the
 * runtime logged "runtime listening" with its URL; readiness is the controller's health gate) →
 * `stopped` (we stopped it). A crash — a non-zero exit or a signal we did not send — goes to
 * `exited` and, after the backoff of restart-policy.ts, back to `starting`; too many crashes in
 * the window end in `crashed`. An exit with code 0 we did not ask for stays `exited` (someone
 * stopped it on purpose). `suspended` is SIGSTOP to the process group (the Python adapter child
 * too); SIGCONT resumes.
 *
 * A replica found by `discover()` is adopted: it is not our child, so its death is noticed by
 * polling the pid (`livenessPollMs`) instead of by an exit event.
 *
 * The endpoint is stable: the first start takes a free port, and every later process of the
 * replica (a restart after a crash, stop/start) asks for the same one, so the URL the deployment
 * recorded and its callers hold keeps working. If that port cannot be had (something else took
 * it, and the process exits before listening), the next attempt takes a free one again.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { DeploymentSpec, ReplicaState, ReplicaStatus } from '../../contracts';
import type { LogRing } from './log-ring';
import { processState } from './process-probe';
import { ReplicaLogs } from './replica-logs';
import { describeExit, signal, signalGroup, spawnReplica } from './replica-process';
import type { ExitInfo } from './replica-process';
import { RestartTracker } from './restart-policy';
import type { RestartPolicy } from './restart-policy';
import type { DesiredState } from '../deployment-identity';
import type { ReplicaRecord, RunFiles } from './run-files';
import { errorMessage } from '../../contracts';

/** A replica state change, for the controller's events and health. */
export interface ReplicaEvent {
  deploymentId: string;
  replica: string;
  state: ReplicaState;
  restarts: number;
  pid?: number;
  endpoint?: string;
  /** Present when the event is a process exit. */
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  /** Why it exited: the runtime's last stderr message, or the exit code/signal. */
  error?: string;
  /** For `exited` with a restart scheduled: the backoff delay. */
  restartInMs?: number;
}

export interface ReplicaContext {
  deploymentId: string;
  replica: string;
  spec: DeploymentSpec;
  files: RunFiles;
  nodePath: string;
  /** The replica's environment without AGENTDOCK_STATE_DIR (added per replica). */
  env: Readonly<Record<string, string>>;
  restartPolicy: RestartPolicy;
  clock: () => number;
  startTimeoutMs: number;
  livenessPollMs: number;
  maxLogBytes: number;
  primeLogBytes: number;
  ring: LogRing;
  emit(event: ReplicaEvent): void;
}

const KILL_WAIT_MS = 5000;
const STOP_POLL_MS = 50;

/** Supervises one replica; see the module header. */
export class ReplicaSupervisor {
  private state: ReplicaState = 'stopped';
  private desired: DesiredState = 'stopped';
  private child: ChildProcess | undefined;
  private pid: number | undefined;
  private endpoint: string | undefined;
  /** The port this replica listened on last, asked for again at its next start. */
  private port: number | undefined;
  private startedAt: string | undefined;
  private restarts = 0;
  private lastError: string | undefined;
  private stopping = false;
  private exiting = false;
  private disposed = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private exitWaiters: ((exit: ExitInfo) => void)[] = [];
  private attemptWaiters: (() => void)[] = [];
  private readonly tracker: RestartTracker;
  private readonly logs: ReplicaLogs;

  constructor(private readonly context: ReplicaContext) {
    this.tracker = new RestartTracker(context.restartPolicy);
    this.logs = new ReplicaLogs({
      replica: context.replica,
      files: context.files,
      ring: context.ring,
      clock: context.clock,
      maxLogBytes: context.maxLogBytes,
      primeLogBytes: context.primeLogBytes,
      hasProcess: () => this.pid !== undefined,
      onListening: (url) => this.onListening(url),
    });
  }

  get id(): string {
    return this.context.replica;
  }

  /** Starts following the log files (primed with their last lines, so `logs` has history after a restart). */
  async init(): Promise<void> {
    await this.logs.init();
  }

  /** Wants the replica running: spawns it if it has no process; resolves once it listens or its first attempt ended. */
  async start(): Promise<void> {
    this.desired = 'running';
    if (this.pid !== undefined) {
      if (this.state === 'suspended') this.resume();
      return;
    }
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.state === 'crashed' || this.state === 'stopped' || this.state === 'exited') this.tracker.reset();
    const attempt = this.nextAttempt();
    await this.spawnProcess();
    await attempt;
  }

  /** SIGTERM, then SIGKILL to the process group after `graceMs`; resolves when the process is gone. */
  async stop(graceMs: number): Promise<void> {
    this.desired = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const pid = this.pid;
    if (pid === undefined) {
      if (this.state !== 'stopped') this.setState('stopped');
      return;
    }
    this.stopping = true;
    const exited = this.waitForExit();
    // A stopped process keeps SIGTERM pending until it is continued.
    if (this.state === 'suspended') signalGroup(pid, 'SIGCONT');
    signal(pid, 'SIGTERM');
    if (!(await this.exitWithin(exited, graceMs))) {
      signalGroup(pid, 'SIGKILL');
      if (!(await this.exitWithin(exited, KILL_WAIT_MS))) throw new Error(`replica ${this.id} (pid ${pid}) did not exit after SIGKILL`);
    }
  }

  /** SIGSTOP to the process group. */
  suspend(): void {
    this.desired = 'suspended';
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    if (this.pid !== undefined) signalGroup(this.pid, 'SIGSTOP');
    else if (this.state !== 'exited') return; // stopped or crashed: nothing to suspend
    this.setState('suspended');
  }

  /** SIGCONT to the process group; a replica that was waiting to restart when suspended is started. */
  resume(): void {
    this.desired = 'running';
    if (this.pid !== undefined) {
      signalGroup(this.pid, 'SIGCONT');
      this.setState(this.endpoint ? 'running' : 'starting');
    } else if (this.state === 'suspended' || this.state === 'exited') {
      this.start().catch((error: unknown) => {
        this.lastError = errorMessage(error);
        this.setState('crashed', { error: this.lastError });
      });
    }
  }

  /** SIGUSR1: the runtime re-reads keys.json and secrets.json. */
  reload(): void {
    // Only the runtime: SIGUSR1's default action would kill the Python adapter in its group.
    if (this.pid !== undefined) signal(this.pid, 'SIGUSR1');
  }

  /** Takes over a replica process started by an earlier control plane (see discover). */
  async adopt(record: ReplicaRecord, stopped: boolean, desired: DesiredState): Promise<void> {
    this.pid = record.pid;
    this.endpoint = record.endpoint;
    this.port = record.port;
    this.startedAt = record.startedAt;
    this.restarts = record.restarts;
    this.desired = desired;
    // Only lines from now on describe this process (older ones may be an earlier incarnation's).
    await this.logs.markNewProcess();
    this.setState(stopped ? 'suspended' : record.endpoint ? 'running' : 'starting');
    this.livenessTimer = setInterval(() => void this.checkAdopted(), this.context.livenessPollMs);
    this.livenessTimer.unref();
  }

  status(): ReplicaStatus {
    return {
      id: this.id,
      state: this.state,
      restarts: this.restarts,
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
      ...(this.startedAt ? { startedAt: this.startedAt } : {}),
      ...(this.pid !== undefined ? { handle: String(this.pid) } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stops supervising and following logs; the process (if any) keeps running. */
  dispose(): void {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.logs.close();
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
  }

  private async spawnProcess(): Promise<void> {
    const { files, replica, spec } = this.context;
    await files.ensureDir();
    const stateDir = files.replicaStateDir(replica);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await this.logs.markNewProcess();
    const child = spawnReplica({
      nodePath: this.context.nodePath,
      bundleDir: spec.artifact.bundleDir,
      deploymentId: this.context.deploymentId,
      replica,
      env: { ...this.context.env, AGENTDOCK_STATE_DIR: stateDir, ...(this.port ? { AGENTDOCK_PORT: String(this.port) } : {}) },
      stdoutFile: files.stdoutLog(replica),
      stderrFile: files.stderrLog(replica),
    });
    this.child = child;
    this.pid = child.pid;
    this.endpoint = undefined;
    this.startedAt = new Date(this.context.clock()).toISOString();
    child.once('exit', (exitCode, exitSignal) => void this.onExit(child, { exitCode, signal: exitSignal }));
    child.once('error', (error) => {
      this.lastError = `cannot start ${this.context.nodePath}: ${error.message}`;
      void this.onExit(child, { exitCode: null, signal: null });
    });
    this.setState('starting');
    if (this.pid !== undefined) await this.writeRecord();
  }

  private onListening(url: string): void {
    if (this.endpoint) return;
    this.endpoint = url;
    this.port = Number(new URL(url).port);
    if (this.state === 'starting') this.setState('running');
    void this.writeRecord();
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
  }

  private async onExit(child: ChildProcess | undefined, exit: ExitInfo): Promise<void> {
    if (child !== this.child || this.exiting) return; // a second report (error, then exit) of the same death
    if (child === undefined && this.pid === undefined) return;
    this.exiting = true;
    this.child = undefined;
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = undefined;
    // Read what it wrote last while its pid still marks those lines as its own: the reason it
    // failed is usually its final stderr line.
    await this.logs.flush();
    const pid = this.pid;
    if (pid !== undefined) {
      signalGroup(pid, 'SIGKILL'); // whatever it left behind in its group (a Python adapter)
      await this.context.files.removeReplica(this.id).catch(() => undefined);
    }
    // From here to the new state nothing awaits: status() never shows a state without its process.
    // A process that died before listening may have been refused its port: the next takes any.
    if (!this.endpoint) this.port = undefined;
    this.pid = undefined;
    this.endpoint = undefined;
    this.exiting = false;
    for (const resolve of this.exitWaiters.splice(0)) resolve(exit);
    const requested = this.stopping || this.desired === 'stopped';
    this.stopping = false;
    if (requested) {
      this.setState('stopped', exit);
    } else if (!this.disposed) {
      this.afterCrash(exit);
    }
    for (const resolve of this.attemptWaiters.splice(0)) resolve();
  }

  private afterCrash(exit: ExitInfo): void {
    const error = describeExit(exit, this.logs.lastStderr);
    this.lastError = error;
    if (exit.exitCode === 0 && exit.signal === null) {
      this.setState('exited', { ...exit, error });
      return;
    }
    const decision = this.tracker.next(this.context.clock());
    if (!decision.restart) {
      this.setState('crashed', { ...exit, error });
      return;
    }
    this.setState('exited', { ...exit, error, restartInMs: decision.delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restartIfStillWanted().catch((spawnError: unknown) => {
        this.lastError = spawnError instanceof Error ? spawnError.message : String(spawnError);
        this.setState('crashed', { error: this.lastError });
      });
    }, decision.delayMs);
    this.restartTimer.unref();
  }

  /**
   * The crash restart, unless the deployment is no longer wanted running. Several control planes
   * may hold one deployment (the app adopted it, a CLI stopped or deleted it): the run files, not
   * this supervisor's memory, say what was last asked.
   */
  private async restartIfStillWanted(): Promise<void> {
    if (this.disposed || this.desired !== 'running' || this.pid !== undefined) return;
    const record = await this.context.files.readDeployment();
    if (this.disposed || this.desired !== 'running' || this.pid !== undefined) return;
    if (record?.desired !== 'running') {
      this.desired = record?.desired ?? 'stopped';
      this.setState('stopped');
      return;
    }
    this.restarts += 1;
    await this.spawnProcess();
  }

  private async checkAdopted(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined || this.child) return;
    if ((await processState(pid)) === 'gone' && this.pid === pid) await this.onExit(undefined, { exitCode: null, signal: null });
  }

  private waitForExit(): Promise<ExitInfo> {
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private async exitWithin(exited: Promise<ExitInfo>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    let poller: NodeJS.Timeout | undefined;
    // An adopted replica is not our child: no exit event, so poll its pid meanwhile.
    if (!this.child) poller = setInterval(() => void this.checkAdopted(), STOP_POLL_MS);
    try {
      return await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
    } finally {
      clearTimeout(timer);
      clearInterval(poller);
    }
  }

  private nextAttempt(): Promise<void> {
    return new Promise((resolve) => {
      // Ref'd on purpose: while a deploy or start waits for the runtime to listen, nothing else may
      // keep the event loop alive (the child is detached, log polling is unref'd), and a CLI would
      // exit mid-deploy. Every path that ends the wait clears it.
      const timer = setTimeout(resolve, this.context.startTimeoutMs);
      this.attemptWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async writeRecord(): Promise<void> {
    if (this.pid === undefined || this.startedAt === undefined) return;
    // The port is recorded with the endpoint it belongs to (this.port outlives a crash).
    const port = this.endpoint ? this.port : undefined;
    await this.context.files
      .writeReplica({
        replica: this.id,
        pid: this.pid,
        ...(port ? { port } : {}),
        ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        bundleHash: this.context.spec.artifact.contentHash,
        startedAt: this.startedAt,
        restarts: this.restarts,
      })
      .catch(() => undefined); // the run dir was deleted under us: delete() is in progress
  }

  private setState(state: ReplicaState, extra: Partial<ReplicaEvent> = {}): void {
    if (state === this.state && Object.keys(extra).length === 0) return;
    this.state = state;
    this.context.emit({
      deploymentId: this.context.deploymentId,
      replica: this.id,
      state,
      restarts: this.restarts,
      ...(this.pid !== undefined ? { pid: this.pid } : {}),
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
      ...extra,
    });
  }
}

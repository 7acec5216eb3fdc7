/**
 * The process target's files under `<stateDir>/<deploymentId>/` — everything `delete` removes:
 *
 *   deployment.json         the DeploymentSpec, desired replica count and state (no secrets: the
 *                           spec names the config dir, it does not copy it)
 *   replica-N.json          while replica N has a process: pid, port, endpoint, bundle hash, start time
 *   replica-N.log[.1]       its stdout (the runtime's JSON log lines), rotated once
 *   replica-N.stderr.log[.1]
 *   replica-N.state/        AGENTDOCK_STATE_DIR of the replica (telemetry spool)
 *
 * These files are how a control plane that restarted finds replicas it did not start (`discover`).
 * JSON files are written to a temporary name and renamed, so a reader never sees half a file.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeploymentSpec } from '../../contracts';
import { CoreError } from '../../contracts';
import type { DesiredState } from '../deployment-identity';

export interface DeploymentRecord {
  format: 1;
  spec: DeploymentSpec;
  replicas: number;
  desired: DesiredState;
  createdAt: string;
}

export interface ReplicaRecord {
  replica: string;
  pid: number;
  port?: number;
  endpoint?: string;
  bundleHash: string;
  startedAt: string;
  restarts: number;
}

/** Deployment ids become directory names: letters, digits, `.`, `_`, `-`, and never `.`/`..`. */
const DEPLOYMENT_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

/** Paths of one deployment's run files. */
export class RunFiles {
  readonly dir: string;

  constructor(stateDir: string, readonly deploymentId: string) {
    if (!DEPLOYMENT_ID.test(deploymentId)) {
      throw new CoreError('E2023', `deployment id ${JSON.stringify(deploymentId)} cannot name a run directory: use letters, digits, ".", "_" and "-"`);
    }
    this.dir = path.join(stateDir, deploymentId);
  }

  get deploymentFile(): string {
    return path.join(this.dir, 'deployment.json');
  }

  replicaFile(replica: string): string {
    return path.join(this.dir, `${replica}.json`);
  }

  stdoutLog(replica: string): string {
    return path.join(this.dir, `${replica}.log`);
  }

  stderrLog(replica: string): string {
    return path.join(this.dir, `${replica}.stderr.log`);
  }

  replicaStateDir(replica: string): string {
    return path.join(this.dir, `${replica}.state`);
  }

  async ensureDir(): Promise<void> {
    // 0700: logs may hold user input the policy did not redact.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async writeDeployment(record: DeploymentRecord): Promise<void> {
    await writeJsonAtomically(this.deploymentFile, record);
  }

  async readDeployment(): Promise<DeploymentRecord | undefined> {
    const value = await readJson(this.deploymentFile);
    if (!isObject(value) || value.format !== 1 || !isObject(value.spec) || typeof value.replicas !== 'number') return undefined;
    return value as unknown as DeploymentRecord;
  }

  async writeReplica(record: ReplicaRecord): Promise<void> {
    await writeJsonAtomically(this.replicaFile(record.replica), record);
  }

  async readReplica(replica: string): Promise<ReplicaRecord | undefined> {
    const value = await readJson(this.replicaFile(replica));
    if (!isObject(value) || typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return value as unknown as ReplicaRecord;
  }

  async removeReplica(replica: string): Promise<void> {
    await rm(this.replicaFile(replica), { force: true });
  }

  /** Removes every file of one replica (scale down). */
  async removeReplicaFiles(replica: string): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.startsWith(`${replica}.`)).map((name) => rm(path.join(this.dir, name), { recursive: true, force: true })));
  }

  /** Removes the whole run directory (delete). */
  async removeAll(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Deployment ids that have a run directory under `stateDir`. */
export async function listRunDirs(stateDir: string): Promise<string[]> {
  const entries = await readdir(stateDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory() && DEPLOYMENT_ID.test(entry.name)).map((entry) => entry.name).sort();
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

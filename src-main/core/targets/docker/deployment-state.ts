/**
 * What the Docker target remembers about a deployment between control-plane restarts: the parts of
 * the DeploymentSpec needed to create more replicas (scale) and to re-sync the config volume
 * (reload), and the state the user asked for (running / stopped / suspended), which tells a
 * deliberate stop from a crash. Labels on the containers remain the source of truth for what
 * exists; this file holds no secrets (configDir is a path, not its contents).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResourceLimits, TrustLevel } from '../../contracts';

export type DesiredState = 'running' | 'stopped' | 'suspended';

export interface StoredDeployment {
  deploymentId: string;
  agent: string;
  resourceName: string;
  version: string;
  image: string;
  configDir: string;
  replicas: number;
  trust: TrustLevel;
  resources?: ResourceLimits;
  port: number;
  desired: DesiredState;
  updatedAt: string;
  /** The `home` label of the data dir that created it (labels.ts), when the target has one. */
  home?: string;
}

/** One JSON file per deployment under `<stateDir>/docker-target/`. */
export class DeploymentStateFiles {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'docker-target');
  }

  private file(deploymentId: string): string {
    // Deployment ids come from the store, but a path must never be steered by one.
    return path.join(this.dir, `${encodeURIComponent(deploymentId)}.json`);
  }

  /** The stored deployment, or undefined when this target never deployed it (or lost its state). */
  read(deploymentId: string): StoredDeployment | undefined {
    try {
      return JSON.parse(readFileSync(this.file(deploymentId), 'utf8')) as StoredDeployment;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Writes atomically (temp file + rename): a crash leaves the old or the new state, never half. */
  write(state: StoredDeployment): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(state.deploymentId);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, target);
  }

  remove(deploymentId: string): void {
    rmSync(this.file(deploymentId), { force: true });
  }
}

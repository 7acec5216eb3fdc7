/**
 * What a target remembers about each deployment between control-plane restarts: one small JSON
 * file per deployment under `<stateDir>/<subdir>/`, mode 0600, written atomically. Targets keep no
 * secrets here (config dirs are paths, not their contents); what exists on the engine or cluster
 * stays the source of truth, these files say what the user asked for.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DeploymentStateFiles<T extends { deploymentId: string }> {
  private readonly dir: string;

  constructor(stateDir: string, subdir: string) {
    this.dir = path.join(stateDir, subdir);
  }

  private file(deploymentId: string): string {
    // Deployment ids come from the store, but a path must never be steered by one.
    return path.join(this.dir, `${encodeURIComponent(deploymentId)}.json`);
  }

  /** The stored deployment, or undefined when this target never deployed it (or lost its state). */
  read(deploymentId: string): T | undefined {
    try {
      return JSON.parse(readFileSync(this.file(deploymentId), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Every stored deployment (unreadable files are skipped: a half-written temp file is not one). */
  list(): T[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const states: T[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const state = this.read(decodeURIComponent(name.slice(0, -'.json'.length)));
      if (state) states.push(state);
    }
    return states;
  }

  /** Writes atomically (temp file + rename): a crash leaves the old or the new state, never half. */
  write(state: T): void {
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

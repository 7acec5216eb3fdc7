/**
 * Reconcile's file cleanup: what in the data dir no longer belongs to anything. Config dirs of
 * finished deployments (the row is written before its config dir, so a dir without a row is a
 * leftover too) and bundle temp dirs of builds whose process is gone (bundle-writer.ts writes a
 * bundle into `.tmp-<label>-<pid>-<random>` and renames it into place, so these are never a bundle).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { removeStaleTempDirs } from '../build/bundle-writer';
import type { Deployment } from '../store/deployments-repository';

/** Deployment config dirs (`<data dir>/deployments/<id>`) whose deployment is finished or unknown. */
export async function staleConfigDirs(dataDir: string, statusOf: (deploymentId: string) => Deployment['status'] | undefined, finished: ReadonlySet<Deployment['status']>): Promise<string[]> {
  const dir = path.join(dataDir, 'deployments');
  const stale: string[] = [];
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    const status = statusOf(id);
    if (status === undefined || finished.has(status)) stale.push(path.join(dir, id));
  }
  return stale;
}

/** Removes (unless `dryRun`) bundle temp dirs of dead builds; returns their paths. */
export async function removeDeadBuildDirs(dataDir: string, dryRun: boolean): Promise<string[]> {
  const bundlesDir = path.join(dataDir, 'bundles');
  const removed: string[] = [];
  for (const resource of await readdir(bundlesDir).catch(() => [] as string[])) {
    const dir = path.join(bundlesDir, resource);
    const before = (await tempDirs(dir)).filter((name) => !buildAlive(name));
    if (before.length === 0) continue;
    if (!dryRun) await removeStaleTempDirs(dir);
    const after = dryRun ? new Set<string>() : new Set(await tempDirs(dir));
    removed.push(...before.filter((name) => !after.has(name)).map((name) => path.join(dir, name)));
  }
  return removed;
}

async function tempDirs(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith('.tmp-'));
}

/** Whether the build that owns temp dir `name` still runs (the same naming as bundle-writer.ts). */
function buildAlive(name: string): boolean {
  const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

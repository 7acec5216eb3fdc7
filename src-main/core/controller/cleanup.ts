/**
 * `agentdock cleanup`: reclaims what deployments leave behind, without touching anything that
 * serves, could be rolled back to soon, or belongs to somebody else.
 *
 * 1. Reconcile (reconcile.ts): orphan replicas, interrupted deploys, stale config and temp dirs.
 * 2. Bundles (`<data dir>/bundles/<agent>/<content hash>`): each agent keeps its `keep` newest
 *    versions and every version a live deployment (not failed / superseded / rolled back /
 *    deleted) runs; older bundles go, and so do bundles of no version or no agent this data dir
 *    knows. A rollback to a version whose bundle went fails with E2003 and says to deploy again.
 * 3. Target artifacts (Docker images): an image goes when its content is a version of this data
 *    dir whose bundle is not kept. Images of content this data dir never registered are another
 *    data dir's (images are shared by content) and are left alone; so is an image a container
 *    uses (the engine refuses) — a target redeploying a version rebuilds its image from the bundle.
 *
 * Anything younger than `graceMs` stays: a deploy running right now writes its bundle and image
 * before it registers the version.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CoreError, errorMessage } from '../contracts';
import type { Target, TargetKind } from '../contracts';
import type { Repositories } from '../store';
import type { Deployment } from '../store/deployments-repository';
import { reconcile, unreachableButUnused } from './reconcile';
import type { ReconcileContext, ReconcileReport } from './reconcile';

export interface CleanupOptions {
  /** Report only; change nothing. */
  dryRun?: boolean;
  /** Newest versions per agent whose build is kept for rollback (default 5, at least 1). */
  keep?: number;
  /** Who the audit log names. */
  actor: string;
  /** Leave alone anything newer than this (default 15 minutes). */
  graceMs?: number;
  clock?: () => number;
}

/** A bundle or artifact cleanup removed (or, in a dry run, would remove). */
export interface PrunedItem {
  agent: string;
  /** `v3`, or absent when no version of this data dir has the content. */
  version?: string;
  contentHash: string;
  /** The bundle dir, or the image's first tag (else its id). */
  location: string;
  target?: TargetKind;
  bytes: number;
}

export interface CleanupReport {
  dryRun: boolean;
  keep: number;
  reconcile: ReconcileReport;
  bundles: PrunedItem[];
  artifacts: PrunedItem[];
  bytesFreed: number;
  /** What could not be removed now, and why. */
  errors: { location: string; message: string }[];
}

export const DEFAULT_CLEANUP_KEEP = 5;
const DEFAULT_GRACE_MS = 15 * 60_000;
const FINISHED = new Set<Deployment['status']>(['failed', 'superseded', 'rolled_back', 'deleted']);

/** Runs reconcile, then prunes bundles and target artifacts; see the module header. */
export async function cleanup(plane: ReconcileContext, options: CleanupOptions): Promise<CleanupReport> {
  const keep = options.keep ?? DEFAULT_CLEANUP_KEEP;
  if (!Number.isInteger(keep) || keep < 1) throw new CoreError('E2023', `keep must be a whole number of versions of at least 1, got ${keep}`);
  const dryRun = options.dryRun ?? false;
  const cutoff = (options.clock ?? Date.now)() - (options.graceMs ?? DEFAULT_GRACE_MS);
  const reconciled = await reconcile(plane, { dryRun, actor: options.actor });
  const versions = versionIndex(plane.repositories, keep);
  const report: CleanupReport = { dryRun, keep, reconcile: reconciled, bundles: [], artifacts: [], bytesFreed: 0, errors: [] };

  for (const bundle of await bundleDirs(plane.dataDir)) {
    const known = versions.byResource.get(bundle.resourceName)?.get(bundle.contentHash);
    if (known?.kept) continue;
    const info = await stat(bundle.dir).catch(() => undefined);
    if (!info || info.mtimeMs > cutoff) continue;
    const item: PrunedItem = { agent: known?.agent ?? bundle.resourceName, ...(known ? { version: known.label } : {}), contentHash: bundle.contentHash, location: bundle.dir, bytes: await treeBytes(bundle.dir) };
    try {
      if (!dryRun) await rm(bundle.dir, { recursive: true, force: true });
      report.bundles.push(item);
    } catch (error) {
      report.errors.push({ location: bundle.dir, message: errorMessage(error) });
    }
  }

  for (const [kind, target] of Object.entries(plane.targets) as [TargetKind, Target | undefined][]) {
    if (!target?.artifacts || !target.removeArtifact) continue;
    let artifacts;
    try {
      artifacts = await target.artifacts();
    } catch (error) {
      if (!unreachableButUnused(plane.repositories, kind, error)) report.errors.push({ location: `${kind} target`, message: errorMessage(error) });
      continue;
    }
    for (const artifact of artifacts) {
      const known = versions.byHash.get(artifact.contentHash);
      if (!known || known.kept || artifact.createdAt > cutoff) continue;
      const location = artifact.refs[0] ?? artifact.id;
      try {
        if (!dryRun) await target.removeArtifact(artifact);
        report.artifacts.push({ agent: known.agent, version: known.label, contentHash: artifact.contentHash, location, target: kind, bytes: artifact.bytes });
      } catch (error) {
        report.errors.push({ location, message: errorMessage(error) });
      }
    }
  }

  report.bytesFreed = [...report.bundles, ...report.artifacts].reduce((sum, item) => sum + item.bytes, 0);
  if (!dryRun) {
    plane.repositories.audit.record({
      actor: options.actor,
      role: 'admin',
      action: 'data:cleanup',
      target: 'data-dir',
      success: report.errors.length === 0 && reconciled.errors.length === 0,
      ...(report.errors.length > 0 ? { error: report.errors.map((e) => `${e.location}: ${e.message}`).join('; ') } : {}),
      details: { keep, bundles: report.bundles.length, artifacts: report.artifacts.length, bytesFreed: report.bytesFreed, removedDeployments: reconciled.removed.length },
    });
  }
  return report;
}

interface KnownVersion {
  agent: string;
  label: string;
  kept: boolean;
}

/** Every version this data dir knows, by agent resource name and content hash, and whether its build is kept. */
function versionIndex(repos: Repositories, keep: number): { byResource: Map<string, Map<string, KnownVersion>>; byHash: Map<string, KnownVersion> } {
  const live = new Set(repos.deployments.list().filter((deployment) => !FINISHED.has(deployment.status)).map((deployment) => deployment.versionId));
  const byResource = new Map<string, Map<string, KnownVersion>>();
  const byHash = new Map<string, KnownVersion>();
  for (const agent of repos.agents.list({ includeDeleted: true })) {
    const hashes = new Map<string, KnownVersion>();
    repos.versions.list(agent.id).forEach((version, newest) => {
      const known = { agent: agent.name, label: version.label, kept: newest < keep || live.has(version.id) };
      // Two versions with one content (a rebuild after a rollback) share a bundle: kept if either is.
      const earlier = hashes.get(version.contentHash);
      if (earlier) earlier.kept ||= known.kept;
      else hashes.set(version.contentHash, known);
    });
    byResource.set(agent.resourceName, hashes);
    for (const [hash, known] of hashes) byHash.set(hash, known);
  }
  return { byResource, byHash };
}

/** `<data dir>/bundles/<resource>/<hash>` dirs; temp dirs of builds (`.tmp-…`) are reconcile's. */
async function bundleDirs(dataDir: string): Promise<{ resourceName: string; contentHash: string; dir: string }[]> {
  const root = path.join(dataDir, 'bundles');
  const found: { resourceName: string; contentHash: string; dir: string }[] = [];
  for (const resourceName of await readdir(root).catch(() => [] as string[])) {
    for (const entry of await readdir(path.join(root, resourceName), { withFileTypes: true }).catch(() => [])) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) found.push({ resourceName, contentHash: entry.name, dir: path.join(root, resourceName, entry.name) });
    }
  }
  return found;
}

/** Bytes of the files under a directory (not following links). */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

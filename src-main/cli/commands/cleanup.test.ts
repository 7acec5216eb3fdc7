// `agentdock cleanup` on the process target with real deploys: old builds go, the newest N and
// whatever a deployment runs stay, a dry run changes nothing, fresh and foreign leftovers are
// handled by age and ownership, and a rollback to a pruned version says what to do.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, setEnv } from '../test-support';
import { openControlPlane } from '../../core/control-plane';
import type { ControlPlane } from '../../core/control-plane';
import { deleteDeploymentsAndClose } from '../../core/control-plane-test-support';
import { TEST_MASTER_KEY, writeProject } from '../../core/controller/reconcile-test-support';
import { ensureRuntimeBuilt } from '../../core/targets/process/process-test-support';

const AGENT = 'cleanup-agent';
const JWT = { JWT_SECRET: 'test-only-jwt-secret-0123456789' };
const HOUR = 3_600_000;
let root: string;
let dataDir: string;
let projectDir: string;
let plane: ControlPlane;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  ensureRuntimeBuilt();
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-cleanup-'));
  dataDir = path.join(root, 'data');
  projectDir = path.join(root, 'project');
  // The CLI below opens the same data dir.
  restoreEnv = setEnv({ AGENTDOCK_HOME: dataDir, AGENTDOCK_MASTER_KEY: TEST_MASTER_KEY });
  plane = openControlPlane({ dataDir, env: { ...process.env }, runtimeVersion: 'test', targets: { docker: undefined } });
  for (const reply of ['one', 'two', 'three']) {
    writeProject(projectDir, AGENT, reply);
    await plane.controller().deploy(projectDir, { target: 'process', actor: 'tester', env: JWT });
  }
  // v2 serves again: the active version is not the newest.
  await plane.controller().rollback(AGENT, 'v2', { target: 'process', actor: 'tester' });
}, 180_000);

afterAll(async () => {
  if (plane) await deleteDeploymentsAndClose(plane);
  restoreEnv();
  if (root) rmSync(root, { recursive: true, force: true });
});

const bundlesDir = (): string => path.join(dataDir, 'bundles');
const hashOf = (label: string): string => {
  const agent = plane.repositories.agents.require(AGENT);
  return plane.repositories.versions.require(agent.id, label.replace(/^v/, '')).contentHash;
};
const bundleOf = (label: string): string => path.join(bundlesDir(), plane.repositories.agents.require(AGENT).resourceName, hashOf(label));

/** Makes every bundle dir (and a foreign one) look an hour old, so the 15-minute grace does not apply. */
function ageBundles(): void {
  const old = new Date(Date.now() - HOUR);
  for (const resource of readdirSync(bundlesDir())) {
    for (const hash of readdirSync(path.join(bundlesDir(), resource))) utimesSync(path.join(bundlesDir(), resource, hash), old, old);
  }
}

describe('agentdock cleanup (process target)', () => {
  it('dry run lists the old build and a foreign one, keeps the active and newest, changes nothing', async () => {
    // A bundle of an agent this data dir does not know (purged), and one a deploy is writing right now.
    const foreign = path.join(bundlesDir(), 'purged-agent', 'a'.repeat(64));
    mkdirSync(path.join(foreign, 'runtime'), { recursive: true });
    writeFileSync(path.join(foreign, 'manifest.json'), '{"language":"javascript"}');
    ageBundles();
    const fresh = path.join(bundlesDir(), 'purged-agent', 'b'.repeat(64));
    mkdirSync(fresh);

    const result = await cli(['cleanup', '--dry-run', '--keep', '1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('Dry run: nothing was changed.');
    expect(result.stdout).toContain(`would remove build of ${AGENT} v1  ${bundleOf('v1')}`);
    expect(result.stdout).toContain(`would remove build of purged-agent (no version: aaaaaaaaaaaa)  ${foreign}`);
    expect(result.stdout).not.toContain(bundleOf('v2'));
    expect(result.stdout).not.toContain(bundleOf('v3'));
    expect(result.stdout).not.toContain(fresh);
    expect(result.stdout).toMatch(/^Would free [\d.]+ [KM]?B\. Kept the 1 newest version\(s\)/m);
    for (const dir of [bundleOf('v1'), foreign, fresh]) expect(existsSync(dir)).toBe(true);
    expect(plane.repositories.audit.list().filter((entry) => entry.action === 'data:cleanup')).toEqual([]);
  });

  it('removes them, reports bytes as JSON, audits, and the active version keeps serving', async () => {
    const result = await cli(['cleanup', '--keep', '1', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; bundles: { agent: string; version?: string; location: string; bytes: number }[]; bytesFreed: number };
    expect(report.ok).toBe(true);
    expect(report.bundles.map((item) => `${item.agent} ${item.version ?? '-'}`).sort()).toEqual([`${AGENT} v1`, 'purged-agent -']);
    expect(report.bundles.every((item) => item.bytes > 0 || item.agent === 'purged-agent')).toBe(true);
    expect(report.bytesFreed).toBe(report.bundles.reduce((sum, item) => sum + item.bytes, 0));
    expect(existsSync(bundleOf('v1'))).toBe(false);
    expect(existsSync(bundleOf('v2'))).toBe(true);
    expect(existsSync(bundleOf('v3'))).toBe(true);
    expect(existsSync(path.join(bundlesDir(), 'purged-agent', 'b'.repeat(64)))).toBe(true);
    expect(plane.repositories.audit.list().find((entry) => entry.action === 'data:cleanup')).toMatchObject({ success: true, details: { keep: 1, bundles: 2 } });
    // Versions are immutable records: cleanup removes builds, never a version row.
    expect(plane.repositories.versions.list(plane.repositories.agents.require(AGENT).id).map((version) => version.label)).toEqual(['v3', 'v2', 'v1']);
    const status = await plane.controller().status(AGENT, 'process');
    expect(status?.version.label).toBe('v2');
    expect(status?.replicas?.replicas.every((replica) => replica.state === 'running')).toBe(true);
  });

  it('a rollback to the pruned version fails with E2003 and says to deploy again; the kept one still rolls back', async () => {
    const failed = await cli(['rollback', AGENT, 'v1']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/E2003 VersionNotFound: The build of cleanup-agent v1 is no longer on disk .*deploy it again from its source/);
    const back = await cli(['rollback', AGENT, 'v3', '--json']);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ version: 'v3' });
  });

  it('refuses a --keep that is not a whole number of at least 1', async () => {
    for (const keep of ['0', '1.5', 'all']) {
      const result = await cli(['cleanup', '--keep', keep]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--keep takes a whole number of versions of at least 1');
    }
  });
});

// Proof for the process target: kill -9 the control plane mid-deploy (a real child process running
// the real controller, frozen at a chosen point), restart (open the control plane again here),
// reconcile → no orphan replica processes, no lost or half-written version, the previous version
// keeps serving, a new deploy works. A deploy another live process is running is not touched, and
// a replica that crashed while no control plane ran comes back.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentSpec } from '../contracts';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import type { Deployment } from '../store';
import { ProcessTarget } from '../targets/process/process-target';
import { ensureRuntimeBuilt } from '../targets/process/process-test-support';
import type { DeployerRun } from './reconcile-test-support';
import { bundleProblems, closeDeployersAndPlanes, invoke, runtimeProcesses, startDeployer, TEST_MASTER_KEY, writeProject } from './reconcile-test-support';

const AGENT = 'reconcile-agent';
const env: NodeJS.ProcessEnv = { ...process.env, AGENTDOCK_MASTER_KEY: TEST_MASTER_KEY };
let root: string;
const planes: ControlPlane[] = [];
const runs: DeployerRun[] = [];
const dataDirs: string[] = [];

beforeAll(() => {
  ensureRuntimeBuilt();
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-reconcile-'));
}, 120_000);

afterEach(async () => {
  await closeDeployersAndPlanes(runs, planes, 'process');
  // Whatever a failed assertion left running.
  for (const dataDir of dataDirs.splice(0)) {
    const ids = new Set(readdirSync(path.join(dataDir, 'process')).filter((name) => !name.startsWith('.')));
    for (const { pid } of runtimeProcesses().filter((entry) => ids.has(entry.deploymentId))) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function open(dataDir: string, options: { reconcileOnOpen?: boolean } = {}): ControlPlane {
  // Process target only: these tests must not depend on a Docker engine.
  const plane = openControlPlane({ dataDir, env, runtimeVersion: 'test', targets: { docker: undefined }, ...options });
  planes.push(plane);
  return plane;
}

function deployer(input: { dataDir: string; projectDir: string; pauseAt: string; idempotencyKey?: string }): DeployerRun {
  const run = startDeployer({ ...input, target: 'process', env });
  runs.push(run);
  return run;
}

/** A data dir where v1 is active (deployed by a CLI process that has exited) and the project now holds v2. */
async function withV1Active(name: string): Promise<{ dataDir: string; projectDir: string; apiKey: string }> {
  const dataDir = path.join(root, name);
  const projectDir = path.join(root, `${name}-project`);
  dataDirs.push(dataDir);
  mkdirSync(path.join(dataDir, 'process'), { recursive: true });
  writeProject(projectDir, AGENT, 'v1 says');
  const setup = openControlPlane({ dataDir, env });
  const { agent } = setup.repositories.agents.getOrCreate(AGENT);
  const apiKey = setup.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
  await setup.close();
  const first = deployer({ dataDir, projectDir, pauseAt: 'none' });
  await first.done;
  await first.exited;
  writeProject(projectDir, AGENT, 'v2 says');
  return { dataDir, projectDir, apiKey };
}

function rowsOf(plane: ControlPlane): { v1: Deployment; v2: Deployment } {
  const [v2, v1] = plane.repositories.deployments.list(); // newest first
  if (!v1 || !v2) throw new Error('expected two deployments');
  return { v1, v2 };
}

/** Everything of this data dir that is left on disk and running, after reconcile. */
function leftovers(plane: ControlPlane): { processes: string[]; runDirs: string[]; configDirs: string[] } {
  const ids = new Set(plane.repositories.deployments.list().map((row) => row.id));
  return {
    processes: runtimeProcesses()
      .filter((entry) => ids.has(entry.deploymentId))
      .map((entry) => entry.deploymentId),
    runDirs: readdirSync(path.join(plane.dataDir, 'process')),
    configDirs: readdirSync(path.join(plane.dataDir, 'deployments')),
  };
}

describe('reconcile after kill -9 of the control plane mid-deploy (process target)', () => {
  it.each([
    ['step:starting', 'version registered and config written, nothing started'],
    ['progress:replica-0', 'the target is starting replicas'],
    ['target:deployed', 'replicas running, health gate not passed'],
    ['step:switching', 'health gate passed, not switched'],
  ])('killed at %s (%s): rolled back, v1 keeps serving, nothing orphaned, v2 complete', async (point) => {
    const { dataDir, projectDir, apiKey } = await withV1Active(point.replace(/\W/g, '-'));
    const run = deployer({ dataDir, projectDir, pauseAt: point, idempotencyKey: `ci-${point}` });
    expect(await run.paused).toBe(point);
    await run.kill();

    const plane = open(dataDir);
    const report = await plane.reconcile();
    const { v1, v2 } = rowsOf(plane);
    expect(report.rolledBack.map((item) => item.deploymentId)).toEqual([v2.id]);
    expect(report.rolledBack[0]?.reason).toMatch(/interrupted: process \d+ on .+ stopped during the deploy; rolled back \(v1 keeps serving\)/);
    expect(report.releasedIdempotencyKeys).toEqual([`ci-${point}`]);
    expect(report.errors).toEqual([]);
    expect(plane.repositories.deployments.get(v2.id)).toMatchObject({ status: 'failed' });
    expect(plane.repositories.deployments.get(v1.id)).toMatchObject({ status: 'active' });
    expect(leftovers(plane)).toEqual({ processes: [v1.id], runDirs: [v1.id], configDirs: [v1.id] });
    expect(await invoke(v1.endpoint!, apiKey)).toBe('v1 says hi');

    // No lost or half-written version: both are whole, and v2 — registered by the killed process — deploys.
    const agent = plane.repositories.agents.findByName(AGENT)!;
    expect(plane.repositories.versions.list(agent.id).map((version) => version.label).sort()).toEqual(['v1', 'v2']);
    expect(bundleProblems(dataDir)).toEqual([]);
    expect(plane.db.checkIntegrity()).toEqual({ ok: true, problems: [] });
    expect(plane.repositories.deployments.owners.all()).toEqual([]);
    const again = await plane.controller().deploy(projectDir, { target: 'process', actor: 'tester', env: { JWT_SECRET: 'test-only-jwt-secret-0123456789' }, idempotencyKey: `ci-${point}` });
    expect(again).toMatchObject({ version: 'v2', versionCreated: false, previousVersion: 'v1' });
    expect(await invoke(again.endpoints[0]!, apiKey)).toBe('v2 says hi');
  }, 90_000);

  it('killed after the switch, before the old version was stopped: v2 stays active, v1 is removed', async () => {
    const { dataDir, projectDir, apiKey } = await withV1Active('after-switch');
    const run = deployer({ dataDir, projectDir, pauseAt: 'target:delete' });
    await run.paused;
    await run.kill();

    const plane = open(dataDir);
    const report = await plane.reconcile();
    const { v1, v2 } = rowsOf(plane);
    expect(report.rolledBack).toEqual([]);
    expect(report.removed.map((item) => [item.deploymentId, item.reason])).toEqual([[v1.id, 'leftover of a superseded deployment']]);
    expect(report.adopted.map((item) => item.deploymentId)).toEqual([v2.id]);
    expect(plane.repositories.deployments.get(v2.id)?.status).toBe('active');
    expect(leftovers(plane)).toEqual({ processes: [v2.id], runDirs: [v2.id], configDirs: [v2.id] });
    expect(await invoke(v2.endpoint!, apiKey)).toBe('v2 says hi');
    // A new deploy (a rollback is one) works from here.
    const back = await plane.controller().rollback(AGENT, 'v1', { target: 'process', actor: 'tester' });
    expect(await invoke(back.endpoints[0]!, apiKey)).toBe('v1 says hi');
  }, 90_000);
});

describe('reconcile and other processes', () => {
  it('leaves a deploy that a live process is running alone; rolls it back once that process is dead', async () => {
    const { dataDir, projectDir } = await withV1Active('live-owner');
    const run = deployer({ dataDir, projectDir, pauseAt: 'target:deployed', idempotencyKey: 'ci-live' });
    await run.paused; // alive, frozen mid-deploy: the desktop app reconciles while a CLI deploys

    const plane = open(dataDir);
    const { v2 } = rowsOf(plane);
    const dry = await plane.reconcile({ dryRun: true });
    const report = await plane.reconcile();
    for (const each of [dry, report]) {
      expect(each.inProgress.map((item) => item.deploymentId)).toEqual([v2.id]);
      expect(each.inProgress[0]?.reason).toContain(`deploy in progress in process ${run.pid} on `);
      expect(each.rolledBack).toEqual([]);
      expect(each.removed).toEqual([]);
      expect(each.releasedIdempotencyKeys).toEqual([]);
    }
    expect(plane.repositories.deployments.get(v2.id)?.status).toBe('starting');
    expect(runtimeProcesses().some((entry) => entry.deploymentId === v2.id)).toBe(true);
    // Its idempotency key is still held: the same request elsewhere waits for it.
    await expect(plane.controller().deploy(projectDir, { target: 'process', actor: 'tester', idempotencyKey: 'ci-live', env: { JWT_SECRET: 'x-test-only-jwt-secret-0123456789' } })).rejects.toMatchObject({ code: 'E2005' });

    await run.kill();
    const dryAfter = await plane.reconcile({ dryRun: true });
    expect(dryAfter.rolledBack.map((item) => item.deploymentId)).toEqual([v2.id]);
    expect(plane.repositories.deployments.get(v2.id)?.status).toBe('starting'); // a dry run changes nothing
    const after = await plane.reconcile();
    expect(after.rolledBack.map((item) => item.deploymentId)).toEqual([v2.id]);
    expect(after.releasedIdempotencyKeys).toEqual(['ci-live']);
    expect(runtimeProcesses().some((entry) => entry.deploymentId === v2.id)).toBe(false);
  }, 90_000);

  it('a deploy with the idempotency key of a killed deploy goes ahead without waiting for reconcile', async () => {
    const { dataDir, projectDir, apiKey } = await withV1Active('stale-key');
    const run = deployer({ dataDir, projectDir, pauseAt: 'step:building', idempotencyKey: 'ci-stale' });
    await run.paused;
    await run.kill();
    const plane = open(dataDir);
    const result = await plane.controller().deploy(projectDir, { target: 'process', actor: 'tester', idempotencyKey: 'ci-stale', env: { JWT_SECRET: 'test-only-jwt-secret-0123456789' } });
    expect(result).toMatchObject({ version: 'v2', previousVersion: 'v1' });
    expect(await invoke(result.endpoints[0]!, apiKey)).toBe('v2 says hi');
  }, 90_000);
});

describe('reconcile of what runs', () => {
  it('brings back the replicas of the active version that crashed while no control plane ran', async () => {
    const { dataDir, apiKey } = await withV1Active('crashed-replica');
    const v1Id = readdirSync(path.join(dataDir, 'process'))[0];
    const before = runtimeProcesses().find((entry) => entry.deploymentId === v1Id)!;
    process.kill(-before.pid, 'SIGKILL');
    await waitUntil(() => !runtimeProcesses().some((entry) => entry.pid === before.pid));

    // The app starts: it reconciles on open.
    const probe = open(dataDir, { reconcileOnOpen: true });
    const [v1] = probe.repositories.deployments.list();
    const report = await probe.initialReconcile!;
    expect(report.restarted.map((item) => [item.deploymentId, item.reason])).toEqual([[v1!.id, '1 replica(s) were down and were started again']]);
    const status = await probe.targets.process!.status(v1!.id);
    expect(status?.replicas[0]).toMatchObject({ state: 'running' });
    expect(Number(status?.replicas[0]?.handle)).not.toBe(before.pid);
    expect(await invoke(status!.replicas[0]!.endpoint!, apiKey)).toBe('v1 says hi');
  }, 90_000);

  it('removes replicas and files no deployment row owns, and temp dirs of dead builds; keeps the active version', async () => {
    const { dataDir, apiKey } = await withV1Active('orphans');
    // Replicas of a deployment this data dir has no row for (its database was restored from a backup).
    const [v1Id] = readdirSync(path.join(dataDir, 'process'));
    const record = JSON.parse(readFileSync(path.join(dataDir, 'process', v1Id!, 'deployment.json'), 'utf8')) as { spec: DeploymentSpec };
    const stray = new ProcessTarget({ stateDir: path.join(dataDir, 'process') });
    const orphanConfig = path.join(dataDir, 'deployments', 'dep_orphan', 'config');
    cpSync(record.spec.configDir, orphanConfig, { recursive: true });
    await stray.deploy({ ...record.spec, deploymentId: 'dep_orphan', configDir: orphanConfig });
    await stray.dispose();
    expect(runtimeProcesses().some((entry) => entry.deploymentId === 'dep_orphan')).toBe(true);
    // A bundle temp dir of a build whose process died.
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    const bundleParent = path.join(dataDir, 'bundles', AGENT);
    const temp = path.join(bundleParent, `.tmp-0123456789abcdef-${deadPid}-cafe0001`);
    mkdirSync(path.join(temp, 'agent'), { recursive: true });

    const plane = open(dataDir);
    const dry = await plane.reconcile({ dryRun: true });
    expect(dry.removed.map((item) => item.deploymentId)).toEqual(['dep_orphan']);
    expect(existsSync(temp)).toBe(true);
    const report = await plane.reconcile();
    expect(report.removed.map((item) => [item.deploymentId, item.reason])).toEqual([['dep_orphan', 'no deployment of this data dir has this id']]);
    expect(report.adopted.map((item) => item.deploymentId)).toEqual([v1Id]);
    expect(report.removedPaths).toEqual(expect.arrayContaining([temp, path.dirname(orphanConfig)]));
    expect(runtimeProcesses().some((entry) => entry.deploymentId === 'dep_orphan')).toBe(false);
    expect(existsSync(temp)).toBe(false);
    expect(bundleProblems(dataDir)).toEqual([]);
    expect(leftovers(plane)).toEqual({ processes: [v1Id], runDirs: [v1Id], configDirs: [v1Id] });
    expect(await invoke(plane.repositories.deployments.get(v1Id!)!.endpoint!, apiKey)).toBe('v1 says hi');
    // Reconcile again: nothing left to do.
    const quiet = await plane.reconcile();
    expect({ removed: quiet.removed, rolledBack: quiet.rolledBack, restarted: quiet.restarted, removedPaths: quiet.removedPaths }).toEqual({ removed: [], rolledBack: [], restarted: [], removedPaths: [] });
  }, 90_000);
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

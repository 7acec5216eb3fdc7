// Proof on the real Docker engine: kill -9 the control plane mid-deploy (a child process running the
// real controller, frozen at a chosen point), reopen it here and reconcile → no orphan containers,
// networks or volumes (listed by AgentDock's labels), no lost or half-written version, the previous
// version keeps serving, a new deploy works. And a deploy that finds the engine unreachable retries
// with backoff and goes through once the engine is back.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRuntimeDir } from '../build/runtime-dir';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import type { Deployment } from '../store';
import { DockerTarget } from '../targets/docker/docker-target';
import { ensureDockerAndBaseImages, LOCAL_BASE_NODE } from '../targets/docker/docker-test-support';
import { homeLabel } from '../targets/deployment-identity';
import { LABELS } from '../targets/docker/labels';
import { DeployController } from './deploy-controller';
import type { DeployStep } from './deploy-controller';
import type { DeployerRun } from './reconcile-test-support';
import { bundleProblems, closeDeployersAndPlanes, invoke, startDeployer, TEST_MASTER_KEY, writeProject } from './reconcile-test-support';

const AGENT = 'reconcile-boxed';
const JWT = { JWT_SECRET: 'test-only-jwt-secret-0123456789' };
const env: NodeJS.ProcessEnv = { ...process.env, AGENTDOCK_MASTER_KEY: TEST_MASTER_KEY, AGENTDOCK_BASE_IMAGE_NODE: LOCAL_BASE_NODE };
const docker = new Dockerode();
let root: string;
const planes: ControlPlane[] = [];
const runs: DeployerRun[] = [];
const homes: string[] = [];
const servers: Server[] = [];

beforeAll(() => {
  ensureDockerAndBaseImages();
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-reconcile-docker-'));
}, 600_000);

afterEach(async () => {
  await closeDeployersAndPlanes(runs, planes, 'docker');
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  // Whatever a failed assertion left behind, found by this test's data-dir label.
  for (const home of homes.splice(0)) {
    const filters = { label: [`${LABELS.home}=${home}`] };
    for (const info of await docker.listContainers({ all: true, filters })) await docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
    for (const network of await docker.listNetworks({ filters })) await docker.getNetwork(network.Id).remove().catch(() => undefined);
    for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(volume.Name).remove().catch(() => undefined);
  }
}, 120_000);

afterAll(async () => {
  for (const image of await docker.listImages({ filters: { label: [`${LABELS.agent}=${AGENT}`] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

function open(dataDir: string): ControlPlane {
  const plane = openControlPlane({ dataDir, env, runtimeVersion: 'test' });
  planes.push(plane);
  return plane;
}

function deployer(input: { dataDir: string; projectDir: string; pauseAt: string }): DeployerRun {
  const run = startDeployer({ ...input, target: 'docker', env });
  runs.push(run);
  return run;
}

async function newDataDir(name: string, reply: string): Promise<{ dataDir: string; projectDir: string; apiKey: string }> {
  const dataDir = path.join(root, name);
  const projectDir = path.join(root, `${name}-project`);
  mkdirSync(dataDir, { recursive: true });
  homes.push(homeLabel(dataDir));
  writeProject(projectDir, AGENT, reply, 'docker');
  const setup = openControlPlane({ dataDir, env });
  const { agent } = setup.repositories.agents.getOrCreate(AGENT);
  const apiKey = setup.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
  await setup.close();
  return { dataDir, projectDir, apiKey };
}

/** Deployment ids of the AgentDock containers, networks and volumes on the engine for this data dir, and of any object labelled with one of `ids`. */
async function engineObjects(dataDir: string, ids: readonly string[]): Promise<{ containers: string[]; networks: string[]; volumes: string[]; byId: number }> {
  const filters = { label: [`${LABELS.managed}=true`, `${LABELS.home}=${homeLabel(dataDir)}`] };
  const deploymentOf = (labels: Record<string, string> | undefined): string => labels?.[LABELS.deployment] ?? '?';
  const containers = (await docker.listContainers({ all: true, filters })).map((info) => deploymentOf(info.Labels));
  const networks = (await docker.listNetworks({ filters })).map((info) => deploymentOf(info.Labels));
  const volumes = ((await docker.listVolumes({ filters })).Volumes ?? []).map((info) => deploymentOf(info.Labels));
  // Belt and braces: nothing with these deployment ids, with or without the home label.
  let byId = 0;
  for (const id of ids) byId += (await docker.listContainers({ all: true, filters: { label: [`${LABELS.deployment}=${id}`] } })).length;
  return { containers: [...new Set(containers)], networks: [...new Set(networks)], volumes: [...new Set(volumes)], byId };
}

function rowsOf(plane: ControlPlane): { v1: Deployment; v2: Deployment } {
  const [v2, v1] = plane.repositories.deployments.list();
  if (!v1 || !v2) throw new Error('expected two deployments');
  return { v1, v2 };
}

describe('reconcile after kill -9 of the control plane mid-deploy (Docker target)', () => {
  it.each([
    ['progress:starting replica 0', 'image built, network and config volume made, no container yet'],
    ['target:deployed', 'containers running, health gate not passed'],
    ['step:switching', 'health gate passed, not switched'],
  ])('killed at %s (%s): rolled back, v1 keeps serving, no orphan object, v2 complete', async (point) => {
    const { dataDir, projectDir, apiKey } = await newDataDir(point.replace(/\W/g, '-'), 'v1 says');
    const first = deployer({ dataDir, projectDir, pauseAt: 'none' });
    await first.done;
    writeProject(projectDir, AGENT, 'v2 says', 'docker');
    const run = deployer({ dataDir, projectDir, pauseAt: point });
    expect(await run.paused).toBe(point);
    await run.kill();

    const plane = open(dataDir);
    const report = await plane.reconcile();
    const { v1, v2 } = rowsOf(plane);
    expect(report.rolledBack.map((item) => item.deploymentId)).toEqual([v2.id]);
    expect(report.errors).toEqual([]);
    expect(plane.repositories.deployments.get(v2.id)?.status).toBe('failed');
    expect(await engineObjects(dataDir, [v2.id])).toMatchObject({ containers: [v1.id], byId: 0 });
    expect((await engineObjects(dataDir, [])).volumes).toEqual([v1.id]);
    expect(await invoke(v1.endpoint!, apiKey)).toBe('v1 says hi');
    expect(bundleProblems(dataDir)).toEqual([]);
    expect(plane.db.checkIntegrity().ok).toBe(true);
    const agent = plane.repositories.agents.findByName(AGENT)!;
    expect(plane.repositories.versions.list(agent.id).map((version) => version.label).sort()).toEqual(['v1', 'v2']);

    // v2, registered by the killed process, is whole: it deploys, and then v1's objects are gone.
    const again = await plane.controller().deploy(projectDir, { target: 'docker', actor: 'tester', env: JWT, healthTimeoutMs: 60_000 });
    expect(again).toMatchObject({ version: 'v2', versionCreated: false, previousVersion: 'v1' });
    expect(await invoke(again.endpoints[0]!, apiKey)).toBe('v2 says hi');
    expect((await engineObjects(dataDir, [v1.id])).containers).toEqual([again.deploymentId]);
  }, 300_000);

  it('killed after the switch, before the old containers were removed: v2 stays active, v1 is removed', async () => {
    const { dataDir, projectDir, apiKey } = await newDataDir('after-switch', 'v1 says');
    const first = deployer({ dataDir, projectDir, pauseAt: 'none' });
    await first.done;
    writeProject(projectDir, AGENT, 'v2 says', 'docker');
    const run = deployer({ dataDir, projectDir, pauseAt: 'target:delete' });
    await run.paused;
    await run.kill();

    const plane = open(dataDir);
    const report = await plane.reconcile();
    const { v1, v2 } = rowsOf(plane);
    expect(report.removed.map((item) => [item.deploymentId, item.reason])).toEqual([[v1.id, 'leftover of a superseded deployment']]);
    expect(report.adopted.map((item) => item.deploymentId)).toEqual([v2.id]);
    expect(await engineObjects(dataDir, [v1.id])).toMatchObject({ containers: [v2.id], volumes: [v2.id], byId: 0 });
    expect(await invoke(v2.endpoint!, apiKey)).toBe('v2 says hi');
  }, 300_000);

  it('removes containers of its own data dir that no deployment row owns, and leaves other data dirs alone', async () => {
    const mine = await newDataDir('mine', 'v1 says');
    const theirs = await newDataDir('theirs', 'v1 says');
    for (const { dataDir, projectDir } of [mine, theirs]) {
      const run = deployer({ dataDir, projectDir, pauseAt: 'none' });
      await run.done;
    }
    // Forget the deployment in "mine" (a database restored from an older backup): its containers are orphans now.
    const plane = open(mine.dataDir);
    const [orphan] = plane.repositories.deployments.list();
    plane.db.sql.prepare('DELETE FROM deployments WHERE id = ?').run(orphan!.id);
    const report = await plane.reconcile();
    expect(report.removed.map((item) => [item.deploymentId, item.reason])).toEqual([[orphan!.id, 'no deployment of this data dir has this id']]);
    expect(await engineObjects(mine.dataDir, [orphan!.id])).toEqual({ containers: [], networks: [], volumes: [], byId: 0 });
    const other = openControlPlane({ dataDir: theirs.dataDir, env });
    planes.push(other);
    const [theirsActive] = other.repositories.deployments.list();
    expect((await engineObjects(theirs.dataDir, [])).containers).toEqual([theirsActive!.id]);
    expect(await invoke(theirsActive!.endpoint!, theirs.apiKey)).toBe('v1 says hi');
  }, 300_000);
});

describe('retry on an unreachable engine', () => {
  it('retries with backoff, shows "retrying in 5 s (attempt 2 of 5)", and deploys once the engine is back', async () => {
    const { dataDir, projectDir, apiKey } = await newDataDir('engine-down', 'v1 says');
    // The engine's socket for this test: absent at first (ENOENT on connect), then a relay to the real engine.
    const socket = path.join(mkdtempSync(path.join(tmpdir(), 'adk-sock-')), 'engine.sock');
    const plane = openControlPlane({
      dataDir,
      env,
      targets: { docker: new DockerTarget({ docker: new Dockerode({ socketPath: socket }), stateDir: path.join(dataDir, 'docker'), home: homeLabel(dataDir), baseImages: { javascript: { baseImage: LOCAL_BASE_NODE } } }) },
    });
    planes.push(plane);
    const waits: number[] = [];
    const controller = new DeployController({
      repositories: plane.repositories,
      vault: plane.vault(),
      targets: plane.targets,
      dataDir,
      runtimeDir: findRuntimeDir(),
      runtimeVersion: 'test',
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
        servers.push(await relay(socket, '/var/run/docker.sock'));
      },
    });
    const steps: DeployStep[] = [];
    const result = await controller.deploy(projectDir, { target: 'docker', actor: 'tester', env: JWT, healthTimeoutMs: 60_000, onStep: (step) => steps.push(step) });
    expect(waits).toEqual([5_000]);
    const retries = steps.filter((step) => step.retry);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ step: 'starting', retry: { attempt: 2, of: 5, delayMs: 5_000 } });
    expect(retries[0]?.message).toMatch(/cannot reach the Docker engine .*ENOENT.*; retrying in 5 s \(attempt 2 of 5\)$/);
    expect(await invoke(result.endpoints[0]!, apiKey)).toBe('v1 says hi');
  }, 300_000);
});

/** A unix socket at `at` that relays every connection to `to`. */
async function relay(at: string, to: string): Promise<Server> {
  try {
    unlinkSync(at);
  } catch {
    // not there yet
  }
  const server = createServer((client) => {
    const upstream = createConnection(to);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(at, resolve));
  return server;
}

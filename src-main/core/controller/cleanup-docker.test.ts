// `agentdock cleanup` on the real Docker engine: images of pruned versions go with their builds,
// an image a container still uses stays (and says why), another data dir's image is never touched,
// and a version whose image went (but whose build is kept) rolls back by rebuilding it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { deleteDeploymentsAndClose } from '../control-plane-test-support';
import { ensureDockerAndBaseImages, LOCAL_BASE_NODE } from '../targets/docker/docker-test-support';
import { homeLabel } from '../targets/deployment-identity';
import { LABELS } from '../targets/docker/labels';
import { invoke, TEST_MASTER_KEY, writeProject } from './reconcile-test-support';

const AGENT = 'cleanup-boxed';
const JWT = { JWT_SECRET: 'test-only-jwt-secret-0123456789' };
const FOREIGN_HASH = 'f'.repeat(64);
const docker = new Dockerode();
let root: string;
let plane: ControlPlane;
let apiKey: string;
let bystander: Dockerode.Container | undefined;

beforeAll(async () => {
  ensureDockerAndBaseImages();
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-cleanup-docker-'));
  const dataDir = path.join(root, 'data');
  const projectDir = path.join(root, 'project');
  plane = openControlPlane({ dataDir, env: { ...process.env, AGENTDOCK_MASTER_KEY: TEST_MASTER_KEY, AGENTDOCK_BASE_IMAGE_NODE: LOCAL_BASE_NODE }, runtimeVersion: 'test' });
  const { agent } = plane.repositories.agents.getOrCreate(AGENT);
  apiKey = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
  for (const reply of ['one', 'two', 'three']) {
    writeProject(projectDir, AGENT, reply, 'docker');
    await plane.controller().deploy(projectDir, { target: 'docker', actor: 'tester', env: JWT, healthTimeoutMs: 60_000 });
  }
  await buildForeignImage();
}, 600_000);

afterAll(async () => {
  await bystander?.remove({ force: true }).catch(() => undefined);
  if (plane) await deleteDeploymentsAndClose(plane, 'docker');
  for (const label of [`${LABELS.agent}=${AGENT}`, `${LABELS.contentHash}=${FOREIGN_HASH}`]) {
    for (const image of await docker.listImages({ filters: { label: [label] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  }
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

/** An agent image as another data dir would have built it: AgentDock's labels, content this data dir never registered. */
async function buildForeignImage(): Promise<void> {
  const context = path.join(root, 'foreign-image');
  mkdirSync(context);
  writeFileSync(path.join(context, 'Dockerfile'), `FROM ${LOCAL_BASE_NODE}\nLABEL ${LABELS.managed}=true ${LABELS.agent}=someone-elses ${LABELS.contentHash}=${FOREIGN_HASH}\n`);
  const stream = await docker.buildImage({ context, src: ['Dockerfile'] }, { t: 'agentdock-test/foreign:latest' });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve())));
}

const imagesOf = async (hash: string): Promise<string[]> => (await docker.listImages({ filters: { label: [`${LABELS.contentHash}=${hash}`] } })).map((image) => image.Id);
const hashOf = (label: string): string => plane.repositories.versions.require(plane.repositories.agents.require(AGENT).id, label.replace(/^v/, '')).contentHash;

describe('agentdock cleanup (Docker target)', () => {
  it('keeps an image a container uses and reports it; removes the other old one; never touches a foreign image', async () => {
    expect(await imagesOf(hashOf('v1'))).toHaveLength(1);
    expect(await imagesOf(hashOf('v2'))).toHaveLength(1);
    // Somebody ran v1's image by hand (a stopped container counts: the engine refuses too).
    const [v1Image] = await imagesOf(hashOf('v1'));
    bystander = await docker.createContainer({ Image: v1Image, Cmd: ['true'], Labels: { [LABELS.home]: homeLabel(plane.dataDir) } });

    const dry = await plane.cleanup({ dryRun: true, keep: 1, actor: 'tester', graceMs: 0 });
    expect(dry.artifacts.map((item) => item.version).sort()).toEqual(['v1', 'v2']);
    expect(await imagesOf(hashOf('v2'))).toHaveLength(1);

    const report = await plane.cleanup({ keep: 1, actor: 'tester', graceMs: 0 });
    expect(report.artifacts).toEqual([expect.objectContaining({ agent: AGENT, version: 'v2', target: 'docker', location: expect.stringMatching(/^agentdock\/cleanup-boxed:/) })]);
    expect(report.artifacts[0]!.bytes).toBeGreaterThan(0);
    expect(report.errors).toEqual([{ location: expect.stringMatching(/^agentdock\/cleanup-boxed:/), message: expect.stringContaining('still used by a container') }]);
    expect(await imagesOf(hashOf('v1'))).toHaveLength(1);
    expect(await imagesOf(hashOf('v2'))).toEqual([]);
    expect(await imagesOf(hashOf('v3'))).toHaveLength(1);
    expect(await imagesOf(FOREIGN_HASH)).toHaveLength(1);
    expect(plane.repositories.audit.list().find((entry) => entry.action === 'data:cleanup')).toMatchObject({ success: false, error: expect.stringContaining('still used by a container') });

    // Once the container is gone, the next cleanup takes the image.
    await bystander.remove({ force: true });
    bystander = undefined;
    const again = await plane.cleanup({ keep: 1, actor: 'tester', graceMs: 0 });
    expect(again.errors).toEqual([]);
    expect(await imagesOf(hashOf('v1'))).toEqual([]);
    const status = await plane.controller().status(AGENT, 'docker');
    expect(await invoke(status!.deployment.endpoint!, apiKey)).toBe('three hi');
  }, 120_000);

  it('a kept version whose image is gone rolls back by rebuilding the image from its build', async () => {
    // keep 1 pruned v2's build too; v3 is active and kept. Remove v3's image behind AgentDock's
    // back (another data dir's cleanup, a docker image prune), then roll forward to it again.
    const target = plane.targets.docker!;
    const status = await plane.controller().status(AGENT, 'docker');
    await target.delete(status!.deployment.id);
    for (const id of await imagesOf(hashOf('v3'))) await docker.getImage(id).remove({ force: true });
    const back = await plane.controller().rollback(AGENT, 'v3', { target: 'docker', actor: 'tester', healthTimeoutMs: 60_000 });
    expect(await imagesOf(hashOf('v3'))).toHaveLength(1);
    expect(await invoke(back.endpoints[0]!, apiKey)).toBe('three hi');
  }, 180_000);
});

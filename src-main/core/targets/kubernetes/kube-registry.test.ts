// Deploying to Kubernetes through a registry: a real registry (CNCF Distribution, on 127.0.0.1)
// configured in Settings with credentials in the vault. The deploy builds the image, pushes it
// (the "pushing" steps are reported), and the pods use the pushed reference with a pull Secret; a
// registry that is not in Settings is refused with what to do.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openControlPlane } from '../../control-plane';
import type { ControlPlane } from '../../control-plane';
import { deleteDeploymentsAndClose, writeMinimalProject } from '../../control-plane-test-support';
import { CoreError } from '../../contracts';
import type { ProgressEvent } from '../../contracts';
import { generateMasterKey, StaticKeyProvider } from '../../vault';
import { ensureTestCluster, testNamespace } from './kube-test-support';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..', '..');
const namespace = testNamespace('adk-registry');
let home: string;
let plane: ControlPlane;
let registry: ChildProcess | undefined;
let registryUrl: string;
let core: CoreV1Api;
let apps: AppsV1Api;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  const registryBinary = execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-registry.sh')], { encoding: 'utf8', timeout: 15 * 60_000 }).trim();
  const kubeconfig = ensureTestCluster();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-kube-registry-'));
  const port = await freePort();
  registryUrl = `127.0.0.1:${port}`;
  const config = path.join(home, 'registry.yml');
  writeFileSync(config, `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${path.join(home, 'registry-data')} } }\nhttp: { addr: ${registryUrl} }\n`);
  registry = spawn(registryBinary, ['serve', config], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while ((await fetch(`http://${registryUrl}/v2/`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > deadline) throw new Error(`the registry did not answer on ${registryUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const clusterConfig = new KubeConfig();
  clusterConfig.loadFromFile(kubeconfig);
  core = clusterConfig.makeApiClient(CoreV1Api);
  apps = clusterConfig.makeApiClient(AppsV1Api);
  writeMinimalProject(path.join(home, 'pushed-agent'), 'pushed-agent', 'return { ok: true };');
  plane = openControlPlane({
    dataDir: path.join(home, 'data'),
    env: { ...process.env, KUBECONFIG: kubeconfig, AGENTDOCK_BASE_IMAGE_NODE: 'agentdock/base-node:22' },
    keyProvider: new StaticKeyProvider(generateMasterKey()),
  });
  await plane.settings.addRegistry({ url: registryUrl, username: 'ci-bot', password: 'registry-password-1' }, { actor: 'tester', role: 'admin' });
}, 50 * 60_000);

afterAll(async () => {
  if (plane) await deleteDeploymentsAndClose(plane, 'kubernetes');
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  registry?.kill();
  const docker = new Dockerode();
  for (const image of await docker.listImages({ filters: { reference: [`${registryUrl}/agentdock/pushed-agent`] } }).catch(() => [])) {
    await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  }
  if (home) rmSync(home, { recursive: true, force: true });
}, 120_000);

it('builds, pushes to the registry from Settings, and the pods pull the pushed image with a pull Secret', async () => {
  const progress: ProgressEvent[] = [];
  const result = await plane.controller().deploy(path.join(home, 'pushed-agent'), {
    target: 'kubernetes',
    actor: 'tester',
    kubernetes: { namespace, registry: registryUrl },
    onProgress: (event) => progress.push(event),
  });
  expect(result).toMatchObject({ agent: 'pushed-agent', version: 'v1', replicas: 1 });
  const pushing = progress.filter((event) => event.phase === 'pushing').map((event) => event.message);
  expect(pushing[0]).toMatch(new RegExp(`^pushing ${registryUrl.replace(/\./g, '\\.')}/agentdock/pushed-agent:[0-9a-f]{12}$`));
  expect(pushing.at(-1)).toMatch(/^pushed /);

  // The registry really has it.
  const tag = /:([0-9a-f]{12})$/.exec(pushing[0]!)![1]!;
  const manifest = await fetch(`http://${registryUrl}/v2/agentdock/pushed-agent/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  expect(manifest.status).toBe(200);

  const pod = (await apps.readNamespacedDeployment({ name: 'pushed-agent', namespace })).spec!.template.spec!;
  expect(pod.containers[0]!.image).toBe(`${registryUrl}/agentdock/pushed-agent:${tag}`);
  expect(pod.imagePullSecrets).toEqual([{ name: expect.stringMatching(/^agentdock-registry-[0-9a-f]{10}$/) }]);
  const secret = await core.readNamespacedSecret({ name: pod.imagePullSecrets![0]!.name!, namespace });
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  const dockerConfig = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString('utf8')) as { auths: Record<string, { username: string; password: string }> };
  expect(dockerConfig.auths[registryUrl]).toMatchObject({ username: 'ci-bot', password: 'registry-password-1' });
}, 300_000);

it('a registry that is not in Settings is refused before anything is built', async () => {
  const error = await plane
    .controller()
    .deploy(path.join(home, 'pushed-agent'), { target: 'kubernetes', actor: 'tester', kubernetes: { namespace, registry: 'registry.invalid/team' } })
    .then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CoreError);
  expect((error as CoreError).message).toMatch(/No registry registry\.invalid\/team in Settings → Registries; add it there first/);
}, 120_000);

// The Deploy view's Kubernetes picker and a deploy to Kubernetes, through the contract, against the
// real control plane of scripts/kube-cluster.sh (kube-apiserver with RBAC, kwok's nodes):
// `kube:namespaces` lists a context's namespaces, tells offline (nothing listens; a server that
// never answers, cut off at the timeout) from unauthorized (401) and forbidden (403: a user the
// cluster's CA vouches for and RBAC does not), and `deploy:create` with a context, a new namespace
// and autoscaling builds with the local Docker engine, rolls out there, and reports where.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { DeployProgress } from '../../../src-shared/ipc/console-types';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { deleteDeploymentsAndClose } from '../control-plane-test-support';
import { ensureRuntimeBuilt } from '../targets/process/process-test-support';
import { ensureTestCluster, testNamespace } from '../targets/kubernetes/kube-test-support';
import { allocateLoopbackPort, listenOnLoopback } from '../loopback-server';
import { createConsoleHandlers } from './handlers';
import { kubeHandlers } from './kube-handlers';
import { connect, writeTestAgentProject } from './test-support';
import { minimalDockfile } from '../control-plane-test-support';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..');
const CONTEXT = 'kwok-agentdock-test';
const AGENT = 'kube-console-agent';
const namespace = testNamespace('adk-console');

let root: string;
let env: Record<string, string | undefined>;
let plane: ControlPlane;
let handlers: ReturnType<typeof createConsoleHandlers>;
let core: CoreV1Api;
let autoscaling: AutoscalingV2Api;
let silentServer: net.Server;
const silentSockets = new Set<net.Socket>();


/** A client certificate the cluster's CA signs for a user no RBAC rule names: authenticated, allowed nothing. */
function mintUnprivilegedUser(pki: string): { cert: string; key: string } {
  const key = path.join(root, 'nobody.key');
  const csr = path.join(root, 'nobody.csr');
  const cert = path.join(root, 'nobody.crt');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=agentdock-test-nobody', '-keyout', key, '-out', csr], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', path.join(pki, 'ca.crt'), '-CAkey', path.join(pki, 'ca.key'), '-CAcreateserial', '-CAserial', path.join(root, 'ca.srl'), '-days', '1', '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

beforeAll(async () => {
  ensureRuntimeBuilt();
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  const clusterKubeconfig = ensureTestCluster();
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-kube-console-'));

  // Accepts connections and never answers: a cluster behind a black hole.
  silentServer = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
    socket.resume();
  });
  const silentPort = await listenOnLoopback(silentServer);
  const closedPort = await allocateLoopbackPort();

  // A second kubeconfig file beside the cluster's, as KUBECONFIG lists several: contexts that fail
  // in each of the ways the view tells apart.
  const cluster = (parse(readFileSync(clusterKubeconfig, 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority': string } }[] }).clusters[0]!.cluster;
  const nobody = mintUnprivilegedUser(path.dirname(cluster['certificate-authority']));
  const extra = path.join(root, 'kubeconfig-extra');
  writeFileSync(
    extra,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'same-cluster', cluster: { server: cluster.server, 'certificate-authority': cluster['certificate-authority'] } },
        // Port 1: the address a dead context is often left with; the HTTP client refuses it outright.
        { name: 'port-one', cluster: { server: 'https://127.0.0.1:1', 'certificate-authority': cluster['certificate-authority'] } },
        { name: 'nothing-listens', cluster: { server: `https://127.0.0.1:${closedPort}`, 'certificate-authority': cluster['certificate-authority'] } },
        { name: 'black-hole', cluster: { server: `https://127.0.0.1:${silentPort}`, 'certificate-authority': cluster['certificate-authority'] } },
      ],
      users: [
        { name: 'nobody', user: { 'client-certificate': nobody.cert, 'client-key': nobody.key } },
        { name: 'stale-token', user: { token: 'not-a-token-this-cluster-knows' } },
      ],
      contexts: [
        { name: 'offline', context: { cluster: 'port-one', user: 'stale-token' } },
        { name: 'refused', context: { cluster: 'nothing-listens', user: 'stale-token' } },
        { name: 'silent', context: { cluster: 'black-hole', user: 'stale-token' } },
        { name: 'forbidden', context: { cluster: 'same-cluster', user: 'nobody' } },
        { name: 'unauthorized', context: { cluster: 'same-cluster', user: 'stale-token' } },
      ],
    }),
  );

  env = { ...process.env, KUBECONFIG: [clusterKubeconfig, extra].join(path.delimiter), AGENTDOCK_BASE_IMAGE_NODE: 'agentdock/base-node:22', AGENTDOCK_MASTER_KEY: 'test-only-kube-console-passphrase' };
  plane = openControlPlane({ dataDir: path.join(root, 'data'), env, runtimeVersion: 'test' });
  handlers = createConsoleHandlers(plane, { mode: 'serve', version: 'test', log: () => undefined, env });

  const config = new KubeConfig();
  config.loadFromFile(clusterKubeconfig);
  core = config.makeApiClient(CoreV1Api);
  autoscaling = config.makeApiClient(AutoscalingV2Api);
}, 50 * 60_000);

afterAll(async () => {
  handlers?.dispose();
  if (plane) await deleteDeploymentsAndClose(plane, 'kubernetes');
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => (silentServer ? silentServer.close(resolve) : resolve(undefined)));
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

const developer = () => connect(handlers, { user: 'dev', role: 'developer' }).client;

describe('kube:namespaces', () => {
  it("lists the context's namespaces from its API server", async () => {
    const answer = await developer().request('kube:namespaces', { context: CONTEXT });
    if (!answer.ok) throw new Error(`${answer.error.code} ${answer.error.message}`);
    expect(answer.value.context).toBe(CONTEXT);
    expect(answer.value.namespaces).toEqual(expect.arrayContaining(['default', 'kube-system']));
    expect(answer.value.namespaces).toEqual([...answer.value.namespaces].sort());
  });

  it('answers offline, with the address and what to check, when nothing listens at the server', async () => {
    const answer = await developer().request('kube:namespaces', { context: 'refused' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E2020', details: { context: 'refused', problem: 'offline' } } });
    if (answer.ok) return;
    expect(answer.error.message).toMatch(/^listing namespaces: the Kubernetes API server of context refused \(https:\/\/127\.0\.0\.1:\d+\) cannot be reached \(.*ECONNREFUSED.*\)\. Is the cluster running and the network up\? Check with: kubectl --context refused get --raw \/readyz$/);
  });

  it('answers offline at once for a server on 127.0.0.1:1', async () => {
    const answer = await developer().request('kube:namespaces', { context: 'offline' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E2020', message: expect.stringContaining('API server of context offline (https://127.0.0.1:1) cannot be reached'), details: { context: 'offline', problem: 'offline' } } });
  });

  it('answers offline at its timeout when the server never answers, instead of hanging', async () => {
    // The same handlers with a half-second deadline.
    const impatient = { ...handlers, requests: { ...handlers.requests, ...kubeHandlers(plane, { env, timeoutMs: 500 }) } };
    const answer = await connect(impatient, { user: 'dev', role: 'developer' }).client.request('kube:namespaces', { context: 'silent' });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'E2020', message: 'No answer from the API server of context silent within 0.5 s: the cluster may be down, or behind a VPN or firewall. Retry once it is up.', details: { context: 'silent', problem: 'offline' } },
    });
  });

  it('answers unauthorized when the API server refuses the credentials (401)', async () => {
    const answer = await developer().request('kube:namespaces', { context: 'unauthorized' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E2020', message: expect.stringContaining('refused the credentials (401)'), details: { context: 'unauthorized', problem: 'unauthorized', status: 401 } } });
  });

  it('answers forbidden, in the API server’s words, when RBAC does not let the user list namespaces (403)', async () => {
    const answer = await developer().request('kube:namespaces', { context: 'forbidden' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E2040', details: { context: 'forbidden', problem: 'forbidden', status: 403 } } });
    if (answer.ok) return;
    expect(answer.error.message).toContain('User "agentdock-test-nobody" cannot list resource "namespaces"');
  });

  it('answers E3008 for a context no kubeconfig file has, and E3002 to a viewer', async () => {
    expect(await developer().request('kube:namespaces', { context: 'nope' })).toMatchObject({ ok: false, error: { code: 'E3008', message: expect.stringContaining('No kubeconfig context named nope') } });
    const viewer = connect(handlers, { user: 'val', role: 'viewer' }).client;
    expect(await viewer.request('kube:namespaces', { context: CONTEXT })).toMatchObject({ ok: false, error: { code: 'E3002' } });
  });
});

describe('deploy:create to Kubernetes', () => {
  it('refuses a namespace that is not a DNS label, and placement for another target, naming the field', async () => {
    const projectDir = path.join(root, 'never-deployed');
    const badNamespace = await developer().request('deploy:create', { projectDir, target: 'kubernetes', kubernetes: { context: CONTEXT, namespace: 'Team_A' } });
    expect(badNamespace).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('kubernetes.namespace: a namespace name') } });
    const wrongTarget = await developer().request('deploy:create', { projectDir, target: 'process', kubernetes: { context: CONTEXT, namespace } });
    expect(wrongTarget).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('kubernetes: kubernetes (context, namespace, autoscale) applies to the kubernetes target only') } });
    const inverted = await developer().request('deploy:create', { projectDir, target: 'kubernetes', kubernetes: { namespace, autoscale: { minReplicas: 3, maxReplicas: 2 } } });
    expect(inverted).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('kubernetes.autoscale.maxReplicas: maxReplicas must be at least minReplicas') } });
  });

  it('deploys into a new namespace of the chosen context: built, rolled out, autoscaled, reported where, healthy in the fleet', async () => {
    const projectDir = writeTestAgentProject(path.join(root, AGENT), {
      dockfile: minimalDockfile(AGENT),
      module: `export async function run(input) { return { reply: 'kube ' + input.text }; }\n`,
    });
    const before = await developer().request('kube:namespaces', { context: CONTEXT });
    expect(before.ok && before.value.namespaces).not.toContain(namespace);

    const progress: DeployProgress[] = [];
    const answer = await developer().request('deploy:create', { projectDir, target: 'kubernetes', kubernetes: { context: CONTEXT, namespace, autoscale: { minReplicas: 1, maxReplicas: 3 } } }, { onProgress: (item) => progress.push(item) });
    if (!answer.ok) throw new Error(`${answer.error.code} ${answer.error.message}\n${progress.map((item) => item.message).join('\n')}`);
    expect(answer.value).toMatchObject({ agent: AGENT, version: 'v1', replicas: 1, endpoints: [] });

    const steps = progress.filter((item) => item.kind === 'step').map((item) => `${item.step}: ${item.message}`);
    expect(steps.map((step) => step.split(':')[0])).toEqual(['validating', 'building', 'registering', 'starting', 'health_gate', 'switching', 'active']);
    expect(steps).toContain(`health_gate: 1 replica(s) ready in ${CONTEXT}/${namespace}`);
    expect(steps).toContain(`active: ${AGENT} v1 is active at ${CONTEXT}/${namespace}`);
    // The target's own progress: the image build, the new namespace, the rollout.
    const logs = progress.filter((item) => item.kind === 'log').map((item) => `${item.phase}: ${item.message}`);
    expect(logs.some((line) => line.startsWith('building: '))).toBe(true);
    expect(logs).toContain(`starting: creating namespace ${namespace} (Pod Security: restricted)`);
    expect(logs).toContain(`starting: rolling out ${AGENT} v1 in ${CONTEXT}/${namespace}`);

    const created = await core.readNamespace({ name: namespace });
    expect(created.metadata?.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/managed-by': 'agentdock' });
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: AGENT, namespace });
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3 });

    const after = await developer().request('kube:namespaces', { context: CONTEXT });
    expect(after.ok && after.value.namespaces).toContain(namespace);
    const fleet = await developer().request('agents:list', {});
    expect(fleet.ok && fleet.value.find((row) => row.agent === AGENT)).toMatchObject({ target: 'kubernetes', health: 'healthy', replicasReady: 1, version: 'v1' });
  }, 600_000);
});

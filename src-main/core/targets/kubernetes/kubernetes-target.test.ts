// The Kubernetes target against a real control plane (kube-apiserver, controller-manager,
// scheduler, etcd; kwok's fake nodes run the pods): deploy through the controller, lifecycle,
// rollback, a failing rollout that rolls itself back, Pod Security admission, and delete.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import type { V1Deployment } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../../control-plane';
import { writeMinimalProject } from '../../control-plane-test-support';
import type { ControlPlane } from '../../control-plane';
import { CoreError } from '../../contracts';
import type { TargetEvent } from '../../contracts';
import { generateMasterKey, StaticKeyProvider } from '../../vault';
import { homeLabel } from '../deployment-identity';
import { KubeContexts } from './kube-client';
import { dockerImageSource } from './kube-images';
import { KubernetesTarget } from './kubernetes-target';
import { ensureTestCluster, testNamespace } from './kube-test-support';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..', '..');
const namespace = testNamespace('adk-target');
let home: string;
let kubeconfig: string;
let plane: ControlPlane;
let target: KubernetesTarget;
let core: CoreV1Api;
let apps: AppsV1Api;
let objects: KubernetesObjectApi;

function writeProject(dir: string, reply: string): void {
  writeMinimalProject(dir, 'kube-agent', `return { reply: '${reply} ' + input.text };`);
}

async function pods(selector: string): Promise<{ name: string; phase: string | undefined; ready: boolean; rs: string | undefined }[]> {
  const list = await core.listNamespacedPod({ namespace, labelSelector: selector });
  return list.items
    .filter((pod) => !pod.metadata?.deletionTimestamp)
    .map((pod) => ({
      name: pod.metadata!.name!,
      phase: pod.status?.phase,
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      rs: pod.metadata?.ownerReferences?.[0]?.name,
    }));
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

function agentDeployment(): Promise<V1Deployment> {
  return apps.readNamespacedDeployment({ name: 'kube-agent', namespace });
}

beforeAll(async () => {
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  kubeconfig = ensureTestCluster();
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  core = config.makeApiClient(CoreV1Api);
  apps = config.makeApiClient(AppsV1Api);
  objects = KubernetesObjectApi.makeApiClient(config);
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-kube-'));
  writeProject(path.join(home, 'v1'), 'one');
  writeProject(path.join(home, 'v2'), 'two');
  writeProject(path.join(home, 'v3'), 'three');
  const dataDir = path.join(home, 'data');
  const env = { ...process.env, KUBECONFIG: kubeconfig, AGENTDOCK_BASE_IMAGE_NODE: 'agentdock/base-node:22' };
  target = new KubernetesTarget({
    stateDir: path.join(dataDir, 'kubernetes'),
    home: homeLabel(dataDir),
    contexts: new KubeContexts({ env }),
    images: dockerImageSource(new Dockerode(), () => ({ javascript: { baseImage: 'agentdock/base-node:22' } })),
    progressDeadlineSeconds: 20,
  });
  plane = openControlPlane({ dataDir, env, keyProvider: new StaticKeyProvider(generateMasterKey()), targets: { kubernetes: target } });
}, 50 * 60_000);

afterAll(async () => {
  for (const deployment of plane?.repositories.deployments.list() ?? []) await target?.delete(deployment.id).catch(() => undefined);
  await plane?.close();
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  await core?.deleteNamespace({ name: `${namespace}-psa` }).catch(() => undefined);
  if (home) rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('KubernetesTarget on a real control plane', () => {
  let v1: string;

  it('deploys through the controller: namespace with Pod Security restricted, hardened pods Running and Ready, every object labelled', async () => {
    const steps: string[] = [];
    const result = await plane.controller().deploy(path.join(home, 'v1'), { target: 'kubernetes', actor: 'tester', kubernetes: { namespace }, onStep: (step) => steps.push(`${step.step}: ${step.message}`) });
    v1 = result.deploymentId;
    expect(result).toMatchObject({ agent: 'kube-agent', version: 'v1', replicas: 1 });
    expect(steps.join('\n')).toMatch(/health_gate: 1 replica\(s\) ready in kwok-agentdock-test\//);
    expect(plane.repositories.deployments.get(v1)?.status).toBe('active');

    const ns = await core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/managed-by': 'agentdock' });
    const running = await pods('agentdock.dev/agent=kube-agent');
    expect(running).toEqual([expect.objectContaining({ phase: 'Running', ready: true })]);

    const deployment = await agentDeployment();
    const pod = deployment.spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const container = pod.containers[0]!;
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe?.httpGet?.path).toBe('/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
    expect(container.startupProbe?.httpGet?.path).toBe('/health');
    expect(container.image).toMatch(/^agentdock\/kube-agent:[0-9a-f]{12}$/);
    expect(deployment.metadata?.managedFields?.some((field) => field.manager === 'agentdock' && field.operation === 'Apply')).toBe(true);
    expect(deployment.metadata?.annotations).toMatchObject({ 'agentdock.dev/deployment': v1, 'agentdock.dev/version': 'v1' });

    for (const kind of [
      { apiVersion: 'v1', kind: 'Service', name: 'kube-agent' },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'kube-agent' },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: 'kube-agent' },
    ]) {
      const object = await objects.read({ apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name: kind.name, namespace } });
      expect(object.metadata?.labels).toMatchObject({ 'agentdock.dev/agent': 'kube-agent', 'agentdock.dev/deployment': v1, 'app.kubernetes.io/version': 'v1' });
    }
    // The config bundle: keys and secrets in a Secret, the frozen spec in a ConfigMap.
    const configMaps = await core.listNamespacedConfigMap({ namespace, labelSelector: `agentdock.dev/deployment=${v1}` });
    expect(Object.keys(configMaps.items[0]!.data ?? {}).sort()).toEqual(expect.arrayContaining(['runtime.json', 'spec.json']));
    const secrets = await core.listNamespacedSecret({ namespace, labelSelector: `agentdock.dev/deployment=${v1}` });
    expect(Object.keys(secrets.items[0]!.data ?? {}).sort()).toEqual(['keys.json', 'secrets.json']);

    const status = await target.status(v1);
    expect(status?.replicas).toEqual([expect.objectContaining({ state: 'running', restarts: 0 })]);
  }, 300_000);

  it("follows the agent's Kubernetes Events (the controller scaling it), and telemetry stores them as target events", async () => {
    const received: TargetEvent[] = [];
    const feed = target.followEvents(v1, (event) => received.push(event));
    const telemetry = plane.telemetry();
    await telemetry.refresh();
    try {
      await target.scale(v1, 2);
      await eventually(
        async () => received,
        (list) => list.some((event) => event.reason === 'ScalingReplicaSet' && event.object === 'Deployment/kube-agent' && /to 2/.test(event.message)),
      );
      // Past events come first and each event version once: ids strictly increase.
      const ids = received.map((event) => event.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(received.some((event) => event.object.startsWith('Pod/kube-agent-') && event.level === 'info')).toBe(true);
      const agentId = plane.repositories.agents.findByName('kube-agent')!.id;
      const stored = await eventually(
        async () => plane.repositories.telemetry.events(agentId, { types: ['target_event'] }),
        (events) => events.some((event) => event.data.reason === 'ScalingReplicaSet'),
      );
      expect(stored[0]).toMatchObject({ source: `target:${v1}`, deploymentId: v1, data: { target: 'kubernetes' } });
    } finally {
      feed.dispose();
      await target.scale(v1, 1);
    }
  }, 120_000);

  it('scales, restarts into a new ReplicaSet, stops to zero and starts again', async () => {
    await target.scale(v1, 3);
    await eventually(() => pods('agentdock.dev/agent=kube-agent'), (list) => list.length === 3 && list.every((p) => p.ready));
    expect((await target.status(v1))?.replicas.filter((r) => r.state === 'running')).toHaveLength(3);

    const before = new Set((await pods('agentdock.dev/agent=kube-agent')).map((p) => p.rs));
    await target.restart(v1);
    const after = await eventually(
      () => pods('agentdock.dev/agent=kube-agent'),
      (list) => list.length === 3 && list.every((p) => p.ready && !before.has(p.rs)),
    );
    expect(new Set(after.map((p) => p.rs)).size).toBe(1);
    const replicaSets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: 'agentdock.dev/agent=kube-agent' });
    expect(replicaSets.items.length).toBeGreaterThanOrEqual(2);

    await target.stop(v1);
    await eventually(() => pods('agentdock.dev/agent=kube-agent'), (list) => list.length === 0);
    expect((await agentDeployment()).spec?.replicas).toBe(0);
    expect((await target.status(v1))?.replicas.every((r) => r.state === 'stopped')).toBe(true);

    await target.start(v1);
    await eventually(() => pods('agentdock.dev/agent=kube-agent'), (list) => list.length === 3 && list.every((p) => p.ready));
    await target.scale(v1, 1);
    await eventually(() => pods('agentdock.dev/agent=kube-agent'), (list) => list.length === 1);
  }, 300_000);

  it('rolls forward to v2, then rollback re-applies v1: the earlier image and config come back', async () => {
    const v1Image = (await agentDeployment()).spec!.template.spec!.containers[0]!.image;
    const v2 = await plane.controller().deploy(path.join(home, 'v2'), { target: 'kubernetes', actor: 'tester', kubernetes: { namespace } });
    expect(v2).toMatchObject({ version: 'v2', previousVersion: 'v1' });
    const rolled = await agentDeployment();
    expect(rolled.metadata?.annotations?.['agentdock.dev/version']).toBe('v2');
    expect(rolled.spec!.template.spec!.containers[0]!.image).not.toBe(v1Image);
    // v1's deployment is superseded: its config objects go, the agent's Deployment stays (v2 owns it).
    const v1Config = await core.listNamespacedConfigMap({ namespace, labelSelector: `agentdock.dev/deployment=${v1}` });
    expect(v1Config.items).toHaveLength(0);

    // No namespace named: the rollback goes where the agent runs, not to the context's default namespace.
    const back = await plane.controller().rollback('kube-agent', 'v1', { target: 'kubernetes', actor: 'tester' });
    expect(back).toMatchObject({ version: 'v1', previousVersion: 'v2' });
    const restored = await agentDeployment();
    expect(restored.metadata?.annotations).toMatchObject({ 'agentdock.dev/version': 'v1', 'agentdock.dev/deployment': back.deploymentId });
    expect(restored.spec!.template.spec!.containers[0]!.image).toBe(v1Image);
    await eventually(() => pods('agentdock.dev/agent=kube-agent'), (list) => list.length === 1 && list[0]!.ready);
    v1 = back.deploymentId;
  }, 300_000);

  it('a rollout that cannot progress (unschedulable: 25,000 CPUs requested) is rolled back to the last healthy version, and the error says why', async () => {
    const failure = await plane
      .controller()
      .deploy(path.join(home, 'v3'), { target: 'kubernetes', actor: 'tester', kubernetes: { namespace }, resources: { cpus: 100_000, memoryMb: 256 } })
      .then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(CoreError);
    expect((failure as CoreError).code).toBe('E2010');
    expect((failure as CoreError).message).toMatch(/did not roll out/);
    expect((failure as CoreError).message).toMatch(/Unschedulable|Insufficient cpu/i);
    expect((failure as CoreError).message).toMatch(/Rolled back: v1 is serving again/);
    const restored = await agentDeployment();
    expect(restored.metadata?.annotations).toMatchObject({ 'agentdock.dev/version': 'v1', 'agentdock.dev/deployment': v1 });
    expect(plane.repositories.deployments.get(v1)?.status).toBe('active');
    await eventually(() => pods('agentdock.dev/agent=kube-agent'), (list) => list.length === 1 && list[0]!.ready && list.every((p) => p.phase === 'Running'));
  }, 300_000);

  it('pods are admitted by a namespace someone else set to enforce Pod Security restricted (and that namespace keeps its labels)', async () => {
    const psa = `${namespace}-psa`;
    await core.createNamespace({ body: { metadata: { name: psa, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', team: 'platform' } } } });
    // Control: the namespace really refuses a pod that is not restricted.
    const refused = await core
      .createNamespacedPod({ namespace: psa, body: { metadata: { name: 'privileged' }, spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } } })
      .then(() => undefined, (error: { body?: string }) => (JSON.parse(String(error.body)) as { message: string }).message);
    expect(refused).toMatch(/violates PodSecurity "restricted:latest": privileged/);

    const result = await plane.controller().deploy(path.join(home, 'v1'), { target: 'kubernetes', actor: 'tester', kubernetes: { namespace: psa } });
    const admitted = await core.listNamespacedPod({ namespace: psa, labelSelector: 'agentdock.dev/agent=kube-agent' });
    expect(admitted.items.map((pod) => pod.status?.phase)).toEqual(['Running']);
    expect((await core.readNamespace({ name: psa })).metadata?.labels).toEqual(expect.objectContaining({ team: 'platform' }));
    expect((await core.readNamespace({ name: psa })).metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    await target.delete(result.deploymentId);
  }, 300_000);

  it('CONFIDENTIAL runs only on a confidential RuntimeClass: refused without one, placed on it when the cluster offers one', async () => {
    const confidentialNamespace = `${namespace}-cc`;
    const refused = await plane
      .controller()
      .deploy(path.join(home, 'v1'), { target: 'kubernetes', actor: 'tester', trust: 'CONFIDENTIAL', kubernetes: { namespace: confidentialNamespace } })
      .then(() => undefined, (error: unknown) => error);
    expect((refused as CoreError).code).toBe('E2021');
    expect((refused as CoreError).message).toMatch(/CONFIDENTIAL needs a confidential-computing RuntimeClass .* context kwok-agentdock-test has none/);

    // Named freely by the cluster; recognised by its handler.
    const runtimeClass = `adk-sev-${process.pid}`;
    await objects.create({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: runtimeClass }, handler: 'kata-qemu-snp' } as never);
    try {
      const result = await plane.controller().deploy(path.join(home, 'v1'), { target: 'kubernetes', actor: 'tester', trust: 'CONFIDENTIAL', kubernetes: { namespace: confidentialNamespace } });
      const pod = (await apps.readNamespacedDeployment({ name: 'kube-agent', namespace: confidentialNamespace })).spec!.template.spec!;
      expect(pod.runtimeClassName).toBe(runtimeClass);
      const policy = await objects.read({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'kube-agent', namespace: confidentialNamespace } });
      // No egress rule at all (the API server omits the empty list), and Egress is enforced.
      const policySpec = (policy as unknown as { spec: { egress?: unknown[]; policyTypes: string[] } }).spec;
      expect(policySpec.egress ?? []).toEqual([]);
      expect(policySpec.policyTypes).toContain('Egress');
      await target.delete(result.deploymentId);
    } finally {
      await objects.delete({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: runtimeClass } }).catch(() => undefined);
      await core.deleteNamespace({ name: confidentialNamespace }).catch(() => undefined);
    }
  }, 300_000);

  it('delete removes everything the agent owns and nothing else', async () => {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'not-ours', labels: { 'agentdock.dev/agent': 'kube-agent' } }, data: { a: 'b' } } });
    await plane.operations().lifecycle('kube-agent', 'delete', { actor: 'tester', role: 'admin', target: 'kubernetes' });
    const leftovers: string[] = [];
    for (const kind of [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'ReplicaSet'],
      ['v1', 'Pod'],
      ['v1', 'Service'],
      ['v1', 'Secret'],
      ['v1', 'ConfigMap'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ] as const) {
      const list = await objects.list(kind[0], kind[1], namespace, undefined, undefined, undefined, undefined, 'agentdock.dev/agent=kube-agent');
      for (const item of list.items) if (!item.metadata?.deletionTimestamp) leftovers.push(`${kind[1]}/${item.metadata?.name}`);
    }
    expect(leftovers).toEqual(['ConfigMap/not-ours']);
  }, 300_000);
});

// `agentdock deploy --target kubernetes` as a CI job runs it, against the real test cluster: the
// context's namespace, autoscaling flags that become a HorizontalPodAutoscaler, lifecycle commands
// on the same agent, and flags that make no sense for a target refused before anything runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../core/control-plane';
import { deleteDeploymentsAndClose, writeMinimalProject } from '../core/control-plane-test-support';
import { ensureTestCluster, testNamespace } from '../core/targets/kubernetes/kube-test-support';
import { cli, setEnv } from './test-support';

const repoRoot = path.join(import.meta.dirname, '..', '..');
const namespace = testNamespace('adk-cli');
let home: string;
let core: CoreV1Api;
let apps: AppsV1Api;
let autoscaling: AutoscalingV2Api;
let restoreEnv: () => void = () => undefined;

beforeAll(() => {
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  const kubeconfig = ensureTestCluster();
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  core = config.makeApiClient(CoreV1Api);
  apps = config.makeApiClient(AppsV1Api);
  autoscaling = config.makeApiClient(AutoscalingV2Api);
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-cli-kube-'));
  restoreEnv = setEnv({ AGENTDOCK_HOME: path.join(home, 'data'), AGENTDOCK_MASTER_KEY: 'test-only-master-passphrase-0123456789', KUBECONFIG: kubeconfig, AGENTDOCK_BASE_IMAGE_NODE: 'agentdock/base-node:22' });
  writeMinimalProject(path.join(home, 'kube-cli'), 'kube-cli', 'return { ok: true };');
}, 50 * 60_000);

afterAll(async () => {
  await deleteDeploymentsAndClose(openControlPlane(), 'kubernetes');
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  restoreEnv();
  if (home) rmSync(home, { recursive: true, force: true });
}, 120_000);

async function podCount(): Promise<number> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: 'agentdock.dev/agent=kube-cli' });
  return pods.items.filter((pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running').length;
}

async function until(check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('agentdock deploy --target kubernetes', () => {
  it('refuses Kubernetes flags for another target, and bad values, before doing anything', async () => {
    const wrongTarget = await cli(['deploy', path.join(home, 'kube-cli'), '--namespace', 'team-a']);
    expect(wrongTarget.code).toBe(2);
    expect(wrongTarget.stderr).toMatch(/--namespace applies to --target kubernetes only/);
    const half = await cli(['deploy', path.join(home, 'kube-cli'), '--target', 'kubernetes', '--min-replicas', '2']);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/autoscaling needs both --min-replicas and --max-replicas/);
    const badNamespace = await cli(['deploy', path.join(home, 'kube-cli'), '--target', 'kubernetes', '--namespace', 'Team_A']);
    expect(badNamespace.code).toBe(2);
    expect(badNamespace.stderr).toMatch(/"Team_A" is not a valid namespace name/);
  });

  it('deploys with autoscaling: the rollout is reported, the HPA holds the bounds and brings the pods up to the minimum', async () => {
    const result = await cli(['deploy', path.join(home, 'kube-cli'), '--target', 'kubernetes', '--namespace', namespace, '--min-replicas', '2', '--max-replicas', '4', '--cpu-target', '60', '--cpus', '0.5', '--memory', '256']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`health_gate +\\d replica\\(s\\) ready in kwok-agentdock-test/${namespace}`));
    expect(result.stdout).toMatch(/^✓ kube-cli v1 is active in [\d.]+ s — \d replica\(s\) ready$/m);
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'kube-cli', namespace });
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4, scaleTargetRef: { kind: 'Deployment', name: 'kube-cli' } });
    expect(hpa.spec?.metrics?.[0]?.resource).toMatchObject({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } });
    const container = (await apps.readNamespacedDeployment({ name: 'kube-cli', namespace })).spec!.template.spec!.containers[0]!;
    expect(container.resources?.limits).toEqual({ cpu: '500m', memory: '256Mi' });
    await until(async () => (await podCount()) === 2);
  }, 300_000);

  it('stop scales to zero and keeps everything; start brings the pods back; delete removes the agent', async () => {
    expect((await cli(['stop', 'kube-cli', '--target', 'kubernetes'])).code).toBe(0);
    await until(async () => (await podCount()) === 0);
    expect((await apps.readNamespacedDeployment({ name: 'kube-cli', namespace })).spec?.replicas).toBe(0);
    expect((await cli(['start', 'kube-cli', '--target', 'kubernetes'])).code).toBe(0);
    await until(async () => (await podCount()) >= 1);
    expect((await cli(['delete', 'kube-cli', '--target', 'kubernetes'])).code).toBe(0);
    const left = await apps.listNamespacedDeployment({ namespace, labelSelector: 'agentdock.dev/agent=kube-cli' });
    expect(left.items).toHaveLength(0);
  }, 300_000);
});

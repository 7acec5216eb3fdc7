// A lost cluster: the API server of a cluster of its own (so the shared test cluster keeps running)
// is stopped under a running deployment. Status and deploy fail at once with an error that names
// the cluster and says what to check; nothing hangs; when the API server returns, the shared watch
// reconnects by itself and status answers again without anyone re-subscribing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CoreError } from '../../contracts';
import type { DeploymentSpec, ReplicaStatus } from '../../contracts';
import { KubeContexts } from './kube-client';
import { KubernetesTarget } from './kubernetes-target';
import { controlTestCluster, ensureTestCluster } from './kube-test-support';
import { WatchHub } from './watch-hub';

const CLUSTER = 'agentdock-outage';
let work: string;
let target: KubernetesTarget;
let hub: WatchHub;

function spec(deploymentId: string, configDir: string): DeploymentSpec {
  return {
    deploymentId,
    agent: 'outage-agent',
    resourceName: 'outage-agent',
    version: 'v1',
    // A version built elsewhere (CI): the target uses its image as it is.
    artifact: { agent: 'outage-agent', resourceName: 'outage-agent', contentHash: 'f'.repeat(64), bundleDir: configDir, language: 'javascript', image: { ref: 'registry.example/outage-agent:1', id: 'sha256:0' } },
    configDir,
    replicas: 1,
    trust: 'STANDARD',
    port: 8080,
    kubernetes: { namespace: 'outage' },
  };
}

beforeAll(() => {
  // Always a fresh cluster: one left stopped and restarted by an interrupted run has a kwok
  // controller that no longer marks new pods ready.
  controlTestCluster(CLUSTER, 'down');
  const kubeconfig = ensureTestCluster(CLUSTER);
  work = mkdtempSync(path.join(tmpdir(), 'agentdock-kube-outage-'));
  const configDir = path.join(work, 'config');
  mkdirSync(configDir);
  for (const file of ['spec.json', 'runtime.json', 'keys.json', 'secrets.json']) writeFileSync(path.join(configDir, file), '{}');
  const contexts = new KubeContexts({ env: { KUBECONFIG: kubeconfig } });
  hub = new WatchHub(contexts, { retryBaseMs: 200, retryMaxMs: 1000 });
  target = new KubernetesTarget({ stateDir: path.join(work, 'state'), home: 'outage-test', contexts, hub, progressDeadlineSeconds: 30 });
}, 50 * 60_000);

afterAll(async () => {
  await target?.dispose();
  controlTestCluster(CLUSTER, 'down');
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

it('a dead API server gives a clear error at once, and everything recovers when it returns', async () => {
  const configDir = path.join(work, 'config');
  await target.deploy(spec('outage-1', configDir));
  expect((await target.status('outage-1'))?.replicas).toEqual([expect.objectContaining({ state: 'running' })]);

  controlTestCluster(CLUSTER, 'stop');
  const started = Date.now();
  let statusError: unknown;
  // The watch notices the lost connection within a retry or two.
  while (Date.now() - started < 30_000) {
    statusError = await target.status('outage-1').then(() => undefined, (error: unknown) => error);
    if (statusError) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(statusError).toBeInstanceOf(CoreError);
  expect((statusError as CoreError).code).toBe('E2020');
  expect((statusError as CoreError).message).toMatch(/cannot be reached .*kubectl --context kwok-agentdock-outage get --raw \/readyz.*retrying in \d+ s/s);

  const deployError = await target.deploy(spec('outage-2', configDir)).then(() => undefined, (error: unknown) => error);
  expect(deployError).toBeInstanceOf(CoreError);
  expect((deployError as CoreError).code).toBe('E2020');
  expect((deployError as CoreError).message).toMatch(/API server of context kwok-agentdock-outage \(https:\/\/127\.0\.0\.1:\d+\) cannot be reached/);

  controlTestCluster(CLUSTER, 'start');
  const deadline = Date.now() + 60_000;
  let replicas: ReplicaStatus[] | undefined;
  while (Date.now() < deadline) {
    replicas = await target.status('outage-1').then((status) => status?.replicas, () => undefined);
    if (replicas?.length) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(replicas).toEqual([expect.objectContaining({ state: 'running' })]);
  // Still the one shared pod watch: the reconnects reused it.
  expect(hub.stats().watches).toBe(1);
}, 240_000);

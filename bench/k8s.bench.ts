/**
 * `npm run bench:k8s` (issue 6, "Proof of scale"): the Kubernetes target against the real test
 * control plane (scripts/kube-cluster.sh: kube-apiserver, etcd, controller-manager, scheduler,
 * kwok's fake nodes), each figure against a baseline measured in the same run. Prints; asserts
 * nothing (shared, noisy machines).
 *
 * 1. Deploy → Available of one agent through the control plane (DeployController →
 *    KubernetesTarget; the image is built once from the local base image and reused by content
 *    hash), median and p95 over BENCH_K8S_RUNS runs, each into a fresh namespace — vs the floor of
 *    any Kubernetes deploy: a namespace plus a plain Deployment created with client-node and
 *    followed by a watch until its rollout is done (kubectl create + rollout status).
 * 2. Deployments per minute (seed 000: 100/min): distinct agents through KubernetesTarget.deploy
 *    with a prebuilt image (`artifact.image`, so no bundle or image build is timed), 10 at a time
 *    per namespace (the controller's per-namespace limit) across BENCH_K8S_NAMESPACES namespaces
 *    in parallel — vs the same number of plain Deployments, same concurrency, created and watched.
 * 3. Health checks per second (seed 000: 1,000/s): KubernetesTarget.status() over those agents
 *    (served from the shared pod watch) — vs one listNamespacedPod per check.
 * 4. The console core with BENCH_K8S_AGENTS (1,000) agent Deployments, all deployed through
 *    KubernetesTarget.deploy: a fresh process (bench/k8s-console-core.ts) computes the status of
 *    every one; its RSS and heap after a GC against the same process before, its shared watches
 *    and subscribers, and the API server's own count of namespace-scoped WATCH requests before
 *    and after. Then health checks over the whole fleet and where one status() call's time goes.
 *
 * Everything it creates is in namespaces named adk-bench-<pid>-…, deleted at the end.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { VersionApi } from '@kubernetes/client-node';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import Dockerode from 'dockerode';
import { openControlPlane } from '../src-main/core/control-plane';
import type { DeploymentSpec } from '../src-main/core/contracts';
import { deploymentConfigDir } from '../src-main/core/controller/deployment-config';
import { generateMasterKey, StaticKeyProvider } from '../src-main/core/vault';
import { homeLabel } from '../src-main/core/targets/deployment-identity';
import { LABELS as DOCKER_LABELS } from '../src-main/core/targets/docker/labels';
import { KubeContexts } from '../src-main/core/targets/kubernetes/kube-client';
import { dockerImageSource } from '../src-main/core/targets/kubernetes/kube-images';
import { KubernetesTarget } from '../src-main/core/targets/kubernetes/kubernetes-target';
import { ensureTestCluster } from '../src-main/core/targets/kubernetes/kube-test-support';
import { LABELS, MANAGED_BY } from '../src-main/core/targets/kubernetes/manifests';
import { podReplica } from '../src-main/core/targets/kubernetes/rollout-status';
import type { WatchSubscription } from '../src-main/core/targets/kubernetes/watch-hub';
import type { ConsoleCoreFigures } from './k8s-console-core';
import { BareCluster, percentile, perCall, pool, sum } from './k8s-cluster';
import { minimalDockfile } from '../src-main/core/control-plane-test-support';

const RUNS = Number(process.env.BENCH_K8S_RUNS ?? 10);
const NAMESPACES = Number(process.env.BENCH_K8S_NAMESPACES ?? 10);
const RATE_AGENTS = Number(process.env.BENCH_K8S_RATE_AGENTS ?? 100);
const FLEET_AGENTS = Number(process.env.BENCH_K8S_AGENTS ?? 1000);
const HEALTH_SECONDS = Number(process.env.BENCH_K8S_HEALTH_SECONDS ?? 3);
/** The controller's per-namespace limit (ConcurrencyLimits' default). */
const PER_NAMESPACE = 10;
/** Callers asking for status at once (fleet-replicas.ts asks 16 at a time). */
const HEALTH_WORKERS = 16;
const SEED_DEPLOYS_PER_MINUTE = 100;
const SEED_CHECKS_PER_SECOND = 1000;
const BASE_NODE_IMAGE = process.env.AGENTDOCK_BASE_IMAGE_NODE ?? 'agentdock/base-node:22';
const PREFIX = `adk-bench-${process.pid.toString(36)}`;
const AGENT = 'bench-k8s-agent';

const repoRoot = path.join(import.meta.dirname, '..');
const run = promisify(execFile);
const DOCKFILE = minimalDockfile(AGENT);

interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  note?: string;
}

const namespaces = new Set<string>();
function namespace(suffix: string): string {
  const name = `${PREFIX}-${suffix}`;
  namespaces.add(name);
  return name;
}

const median = (values: readonly number[]): number => percentile(values, 50);
const mb = (bytes: number): number => bytes / 1024 / 1024;

function format(value: number, unit: string): string {
  if (unit === 'ms') return `${value.toFixed(0)} ms`;
  return `${value.toFixed(value < 10 ? 2 : 0)} ${unit}`;
}

function print(rows: Row[]): void {
  for (const row of rows) {
    const ratio = row.baseline ? `  (baseline ${row.baseline.name}: ${format(row.baseline.value, row.unit)}; ratio ×${(row.value / row.baseline.value).toFixed(2)})` : '';
    console.log(`  ${row.name.padEnd(72)} ${format(row.value, row.unit).padStart(14)}${ratio}${row.note ? `  ${row.note}` : ''}`);
  }
}

interface Phases {
  before: number;
  prepare: number;
  apply: number;
  rollout: number;
}

interface Prebuilt {
  image: { ref: string; id: string };
  configDir: string;
}

/** Figure 1: one agent through the control plane, fresh namespace per run, vs a bare Deployment. */
async function benchDeploy(kubeconfig: string, bare: BareCluster, home: string): Promise<{ rows: Row[]; prebuilt: Prebuilt }> {
  const project = path.join(home, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, 'Dockfile.yaml'), DOCKFILE);
  writeFileSync(path.join(project, 'agent.mjs'), `export async function run(input) { return { reply: 'hello ' + input.text }; }\n`);
  const dataDir = path.join(home, 'data');
  const env = { ...process.env, KUBECONFIG: kubeconfig, AGENTDOCK_BASE_IMAGE_NODE: BASE_NODE_IMAGE };
  const docker = new Dockerode();
  const target = new KubernetesTarget({
    stateDir: path.join(dataDir, 'kubernetes'),
    home: homeLabel(dataDir),
    contexts: new KubeContexts({ env }),
    images: dockerImageSource(docker, () => ({ javascript: { baseImage: BASE_NODE_IMAGE } })),
    progressDeadlineSeconds: 120,
  });
  const plane = openControlPlane({ dataDir, env, keyProvider: new StaticKeyProvider(generateMasterKey()), targets: { kubernetes: target } });
  try {
    const deploy = async (ns: string): Promise<{ available: number; total: number; inTarget: number; phases: Phases; imageBuilt: boolean; deploymentId: string }> => {
      const started = performance.now();
      let targetStarted = NaN;
      let applying = NaN;
      let rolling = NaN;
      let available = NaN;
      let imageBuilt = false;
      const result = await plane.controller().deploy(project, {
        target: 'kubernetes',
        actor: 'bench',
        kubernetes: { namespace: ns },
        onStep: (step) => {
          if (step.step === 'starting' && Number.isNaN(targetStarted)) targetStarted = performance.now();
          if (step.step === 'health_gate') available = performance.now();
        },
        // KubernetesTarget's own progress: "applying to …" once the image and placement are known, "rolling out …" once every object is applied.
        onProgress: (event) => {
          if (event.message.startsWith('applying to')) applying = performance.now();
          if (event.message.startsWith('rolling out')) rolling = performance.now();
          if (event.message.startsWith('building ')) imageBuilt = true;
        },
      });
      return {
        available: available - started,
        inTarget: available - targetStarted,
        phases: { before: targetStarted - started, prepare: applying - targetStarted, apply: rolling - applying, rollout: available - rolling },
        total: performance.now() - started,
        imageBuilt,
        deploymentId: result.deploymentId,
      };
    };

    // Warm-up: validates, bundles and builds the image (once; later runs reuse it by content hash).
    const first = await deploy(namespace('d0'));
    const deployed = await bare.apps.readNamespacedDeployment({ name: AGENT, namespace: `${PREFIX}-d0` });
    const ref = deployed.spec!.template.spec!.containers[0]!.image!;
    const image = { ref, id: (await docker.getImage(ref).inspect()).Id };
    const configDir = path.join(home, 'fleet-config');
    cpSync(deploymentConfigDir(dataDir, first.deploymentId), configDir, { recursive: true });
    // And one bare Deployment, so both paths start warm (namespace admission, controllers' caches).
    await bare.createNamespace(namespace('b0'));
    await bare.createAndWaitAvailable(`${PREFIX}-b0`, 'bare', ref);

    const ours = { available: [] as number[], total: [] as number[], inTarget: [] as number[], phases: [] as Phases[] };
    const floor: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      // Interleaved, so drift in the shared cluster's load falls on both alike.
      const bareNs = namespace(`b${run}`);
      const bareStarted = performance.now();
      await bare.createNamespace(bareNs);
      await bare.createAndWaitAvailable(bareNs, 'bare', ref);
      floor.push(performance.now() - bareStarted);
      const result = await deploy(namespace(`d${run}`));
      ours.available.push(result.available);
      ours.total.push(result.total);
      ours.inTarget.push(result.inTarget);
      ours.phases.push(result.phases);
    }
    const floorName = (p: number): string => `bare namespace + Deployment create → rollout done (p${p})`;
    return {
      prebuilt: { image, configDir },
      rows: [
        { name: `first deploy → Available (fresh data dir: bundle built; image ${first.imageBuilt ? 'built' : 'found by content hash'})`, value: first.available, unit: 'ms' },
        { name: `deploy → Available, median of ${RUNS} (image reused)`, value: median(ours.available), unit: 'ms', baseline: { name: floorName(50), value: median(floor) } },
        { name: `deploy → Available, p95 of ${RUNS}`, value: percentile(ours.available, 95), unit: 'ms', baseline: { name: floorName(95), value: percentile(floor, 95) } },
        { name: '  controller before the target (validate, bundle reused, register, config)', value: median(ours.phases.map((p) => p.before)), unit: 'ms' },
        { name: '  KubernetesTarget.deploy (median)', value: median(ours.inTarget), unit: 'ms', baseline: { name: floorName(50), value: median(floor) } },
        { name: '    image (reused by hash), RuntimeClasses, current Deployment', value: median(ours.phases.map((p) => p.prepare)), unit: 'ms' },
        { name: '    namespace + objects applied (config and policies in parallel, then the Deployment)', value: median(ours.phases.map((p) => p.apply)), unit: 'ms' },
        { name: '    rollout wait (woken by the shared Deployment watch) + status', value: median(ours.phases.map((p) => p.rollout)), unit: 'ms' },
        { name: '  whole controller call (median; + switch, remove superseded in old ns)', value: median(ours.total), unit: 'ms' },
      ],
    };
  } finally {
    await plane.close();
  }
}

/** A deployment of agent `index` with the prebuilt image: the controller's spec, minus its bundle build. */
function fleetSpec(index: number, ns: string, prebuilt: Prebuilt): DeploymentSpec {
  const agent = `fleet-${String(index).padStart(4, '0')}`;
  return {
    deploymentId: randomUUID(),
    agent,
    resourceName: agent,
    version: 'v1',
    artifact: { agent, resourceName: agent, contentHash: prebuilt.image.id.replace(/^sha256:/, ''), bundleDir: '/nonexistent', language: 'javascript', image: prebuilt.image },
    configDir: prebuilt.configDir,
    replicas: 1,
    trust: 'STANDARD',
    port: 8080,
    kubernetes: { namespace: ns },
  };
}

/** Deploys agents [from, to) through the target, PER_NAMESPACE at a time in each namespace, all namespaces at once. */
async function deployFleet(target: KubernetesTarget, from: number, to: number, fleetNamespaces: string[], prebuilt: Prebuilt): Promise<{ ids: string[]; located: Map<string, { agent: string; namespace: string }>; failures: string[]; wallMs: number; latencies: number[]; peak: { watches: number; subscribers: number } }> {
  const byNamespace = fleetNamespaces.map(() => [] as number[]);
  for (let index = from; index < to; index++) byNamespace[index % fleetNamespaces.length]!.push(index);
  const ids: string[] = [];
  const located = new Map<string, { agent: string; namespace: string }>();
  const failures: string[] = [];
  const latencies: number[] = [];
  const peak = { watches: 0, subscribers: 0 };
  const sampler = setInterval(() => {
    const stats = target.hub.stats();
    peak.watches = Math.max(peak.watches, stats.watches);
    peak.subscribers = Math.max(peak.subscribers, stats.subscribers);
  }, 100);
  const started = performance.now();
  await Promise.all(
    byNamespace.map((indexes, n) =>
      pool(indexes, PER_NAMESPACE, async (index) => {
        const spec = fleetSpec(index, fleetNamespaces[n]!, prebuilt);
        const one = performance.now();
        try {
          await target.deploy(spec);
          latencies.push(performance.now() - one);
          ids.push(spec.deploymentId);
          located.set(spec.deploymentId, { agent: spec.resourceName, namespace: fleetNamespaces[n]! });
        } catch (error) {
          failures.push(`${spec.agent}: ${(error as Error).message}`);
        }
      }),
    ),
  );
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  return { ids, located, failures, wallMs, latencies, peak };
}

/** The same number of plain Deployments, same concurrency shape, each created and watched until done. */
async function bareFleet(bare: BareCluster, count: number, image: string): Promise<{ wallMs: number; latencies: number[] }> {
  const bareNamespaces = Array.from({ length: NAMESPACES }, (_, n) => namespace(`rb${n}`));
  await Promise.all(bareNamespaces.map((ns) => bare.createNamespace(ns)));
  const byNamespace = bareNamespaces.map(() => [] as number[]);
  for (let index = 0; index < count; index++) byNamespace[index % NAMESPACES]!.push(index);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(byNamespace.map((indexes, n) => pool(indexes, PER_NAMESPACE, async (index) => void latencies.push(await bare.createAndWaitAvailable(bareNamespaces[n]!, `bare-${index}`, image)))));
  return { wallMs: performance.now() - started, latencies };
}

/** Calls `check` from HEALTH_WORKERS callers for HEALTH_SECONDS; checks per second and how many saw a running replica. */
async function sustain(ids: readonly string[], check: (id: string) => Promise<boolean>): Promise<{ perSecond: number; healthy: number; total: number }> {
  let next = 0;
  let total = 0;
  let healthy = 0;
  const started = performance.now();
  const until = started + HEALTH_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: HEALTH_WORKERS }, async () => {
      while (performance.now() < until) {
        const id = ids[next++ % ids.length]!;
        if (await check(id)) healthy++;
        total++;
      }
    }),
  );
  return { perSecond: total / ((performance.now() - started) / 1000), healthy, total };
}

async function benchHealth(target: KubernetesTarget, bare: BareCluster, pooledCore: CoreV1Api, ids: readonly string[], agents: ReadonlyMap<string, { agent: string; namespace: string }>, label: string): Promise<Row[]> {
  // Warm: the first status() of each deployment subscribes it to its namespace's pod watch.
  await Promise.all(ids.map((id) => target.status(id)));
  const ours = await sustain(ids, async (id) => (await target.status(id))?.replicas.some((replica) => replica.state === 'running') ?? false);
  const listing = (core: CoreV1Api) => async (id: string) => {
    const { agent, namespace: ns } = agents.get(id)!;
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `agentdock.dev/agent=${agent}` });
    return pods.items.map(podReplica).some((replica) => replica.state === 'running');
  };
  const naive = await sustain(ids, listing(bare.core));
  const pooled = await sustain(ids, listing(pooledCore));
  return [
    {
      name: `health checks/s, KubernetesTarget.status() over ${ids.length} agents${label}`,
      value: ours.perSecond,
      unit: 'checks/s',
      baseline: { name: 'listNamespacedPod per check', value: naive.perSecond },
      note: `[${ours.healthy}/${ours.total} saw a running replica; naive ${naive.healthy}/${naive.total}; seed ${SEED_CHECKS_PER_SECOND}/s: ×${(ours.perSecond / SEED_CHECKS_PER_SECOND).toFixed(1)}]`,
    },
    {
      name: '  same, vs listNamespacedPod over AgentDock\'s pooled connection',
      value: ours.perSecond,
      unit: 'checks/s',
      baseline: { name: 'pooled listNamespacedPod per check', value: pooled.perSecond },
      note: `[${pooled.healthy}/${pooled.total} saw a running replica]`,
    },
  ];
}

/**
 * Where one status() call's time goes at fleet scale, each part timed alone over every agent:
 * the state file it reads and parses on every call, and the namespace's pod list it copies from
 * the shared watch and filters by agent label (O(pods in the namespace) per call).
 */
async function statusCost(target: KubernetesTarget, stateDir: string, context: string, agents: ReadonlyMap<string, { agent: string; namespace: string }>): Promise<Row[]> {
  const ids = [...agents.keys()];
  const loop = async (call: (id: string) => unknown | Promise<unknown>): Promise<number> => {
    for (const id of ids) await call(id);
    const started = performance.now();
    for (let round = 0; round < 5; round++) for (const id of ids) await call(id);
    return ((performance.now() - started) / (5 * ids.length)) * 1000;
  };
  // Same key as the target's own pod subscriptions: shares their watch, opens none.
  const subscriptions = new Map<string, WatchSubscription<V1Pod>>();
  for (const { namespace: ns } of agents.values()) {
    if (!subscriptions.has(ns)) subscriptions.set(ns, target.hub.subscribe<V1Pod>({ context, resource: 'pods', namespace: ns, labelSelector: `${LABELS.managedBy}=${MANAGED_BY}` }));
  }
  try {
    const whole = await loop((id) => target.status(id));
    const stateFile = await loop((id) => JSON.parse(readFileSync(path.join(stateDir, `${encodeURIComponent(id)}.json`), 'utf8')) as unknown);
    const podFilter = await loop((id) => {
      const { agent, namespace: ns } = agents.get(id)!;
      return subscriptions.get(ns)!.list().filter((pod) => pod.metadata?.labels?.[LABELS.agent] === agent);
    });
    return [
      { name: `  one status() call, ${ids.length} agents in turn`, value: whole, unit: 'µs' },
      { name: '    state file read + JSON.parse (every call)', value: stateFile, unit: 'µs' },
      { name: `    namespace's pod list copied + filtered by agent (~${Math.round(ids.length / subscriptions.size)} pods each)`, value: podFilter, unit: 'µs' },
    ];
  } finally {
    for (const subscription of subscriptions.values()) subscription.dispose();
  }
}

const sumOf = (counts: Record<string, number>): number => sum(new Map(Object.entries(counts)));

/** Runs bench/k8s-console-core.ts in a fresh node process over the fleet's data dir; its figures. */
async function consoleCore(kubeconfig: string, dataDir: string): Promise<ConsoleCoreFigures> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'k8s-console-core.ts')], {
    env: { ...process.env, BENCH_K8S_KUBECONFIG: kubeconfig, BENCH_K8S_DATA_DIR: dataDir },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 180_000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ConsoleCoreFigures;
}

async function main(): Promise<void> {
  console.log(`AgentDock Kubernetes bench — node ${process.version}, ${RUNS} deploy runs, ${RATE_AGENTS} agents for the rate, ${FLEET_AGENTS} for the fleet, ${NAMESPACES} namespaces`);
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  const kubeconfig = ensureTestCluster();
  const bare = BareCluster.fromFile(kubeconfig);
  const server = (await bare.config.makeApiClient(VersionApi).getCode()).gitVersion;
  console.log(`cluster: ${kubeconfig} (kube-apiserver ${server}, kwok fake nodes)`);
  const home = mkdtempSync(path.join(tmpdir(), 'agentdock-bench-k8s-'));
  // The fleet target's contexts (opened here for figure 0's round trip; disposed with the target).
  const contexts = new KubeContexts({ env: { ...process.env, KUBECONFIG: kubeconfig } });
  let target: KubernetesTarget | undefined;
  const serviceRange = `${PREFIX}-services`;
  let addedServiceRange = false;
  try {
    // Every agent has a ClusterIP Service.
    addedServiceRange = await bare.ensureServiceRoom(FLEET_AGENTS + RUNS + 10, serviceRange);
    if (addedServiceRange) console.log(`the cluster's Service range was too small for ${FLEET_AGENTS} Services: added ServiceCIDR ${serviceRange} (a /16) for this run`);
    console.log('\n0. One API round trip (GET namespace default, 200 in a row): what every call of the target pays');
    const agentdockCore = (await contexts.open()).core;
    print([
      {
        name: 'AgentDock\'s clients (KubeContexts: one pooled connection per cluster + credentials)',
        value: await perCall(200, () => agentdockCore.readNamespace({ name: 'default' })),
        unit: 'ms',
        baseline: { name: 'client-node default, a new TLS connection per call', value: await perCall(200, () => bare.core.readNamespace({ name: 'default' })) },
      },
    ]);

    console.log('\n1. Deploy → Available, one agent through DeployController → KubernetesTarget (fresh namespace each run)');
    const deploy = await benchDeploy(kubeconfig, bare, home);
    print(deploy.rows);

    // From here a target of its own (no control plane): the fleet figures are the target's.
    const dataDir = path.join(home, 'fleet-data');
    target = new KubernetesTarget({ stateDir: path.join(dataDir, 'kubernetes'), home: homeLabel(dataDir), contexts, progressDeadlineSeconds: 300 });
    const fleetNamespaces = Array.from({ length: NAMESPACES }, (_, n) => namespace(`n${n}`));

    console.log(`\n2. Deployments per minute: ${RATE_AGENTS} distinct agents via KubernetesTarget.deploy, prebuilt image (no bundle/image build timed), ${PER_NAMESPACE} at a time per namespace × ${NAMESPACES} namespaces`);
    const floor = await bareFleet(bare, RATE_AGENTS, deploy.prebuilt.image.ref);
    const rate = await deployFleet(target, 0, RATE_AGENTS, fleetNamespaces, deploy.prebuilt);
    const perMinute = (count: number, wallMs: number): number => count / (wallMs / 60_000);
    const floorRate = perMinute(RATE_AGENTS, floor.wallMs);
    const ourRate = perMinute(rate.ids.length, rate.wallMs);
    print([
      { name: `deployments/min (apply all objects + rollout done), ${rate.ids.length} of ${RATE_AGENTS} ok`, value: ourRate, unit: '/min', baseline: { name: 'plain Deployments create + watch', value: floorRate }, note: `[seed ${SEED_DEPLOYS_PER_MINUTE}/min: ×${(ourRate / SEED_DEPLOYS_PER_MINUTE).toFixed(1)}]` },
      { name: '  one deploy under that load, median', value: median(rate.latencies), unit: 'ms', baseline: { name: 'plain Deployment', value: median(floor.latencies) } },
      { name: '  one deploy under that load, p95', value: percentile(rate.latencies, 95), unit: 'ms', baseline: { name: 'plain Deployment', value: percentile(floor.latencies, 95) } },
      { name: '  peak shared watches while deploying (pods + deployments per namespace)', value: rate.peak.watches, unit: 'watches', note: `[peak subscribers ${rate.peak.subscribers}]` },
    ]);
    for (const failure of rate.failures.slice(0, 5)) console.log(`  failed: ${failure}`);

    console.log(`\n3. Health checks per second, ${HEALTH_WORKERS} callers for ${HEALTH_SECONDS} s`);
    print(await benchHealth(target, bare, (await contexts.open()).core, rate.ids, rate.located, ''));

    console.log(`\n4. The console core with ${FLEET_AGENTS} agent Deployments across ${NAMESPACES} namespaces (all through KubernetesTarget.deploy)`);
    const topUp = await deployFleet(target, RATE_AGENTS, FLEET_AGENTS, fleetNamespaces, deploy.prebuilt);
    for (const failure of topUp.failures.slice(0, 5)) console.log(`  failed: ${failure}`);
    const ids = [...rate.ids, ...topUp.ids];
    print([{ name: `deployments/min for agents ${RATE_AGENTS + 1}–${FLEET_AGENTS} (${topUp.ids.length} ok)`, value: perMinute(topUp.ids.length, topUp.wallMs), unit: '/min', note: `[seed ${SEED_DEPLOYS_PER_MINUTE}/min; took ${(topUp.wallMs / 1000).toFixed(0)} s; peak ${topUp.peak.watches} shared watches]` }]);
    console.log(`  a console core in a fresh process (bench/k8s-console-core.ts) follows all ${ids.length}: baseline is that process before its first status()`);
    const core = await consoleCore(kubeconfig, dataDir);
    const delta = (resource: string): number => (core.apiWatchesAfter[resource] ?? 0) - (core.apiWatchesBefore[resource] ?? 0);
    print([
      { name: `  status() of all ${core.agents} at once, first call (subscribes, waits for ${NAMESPACES} lists)`, value: core.firstStatusMs, unit: 'ms', note: `[${core.running} report a running replica]` },
      { name: `  status() of all ${core.agents} at once, again (from the shared watches)`, value: core.warmStatusMs, unit: 'ms' },
      { name: '  process RSS after GC', value: mb(core.after.rss), unit: 'MB', baseline: { name: 'same process before', value: mb(core.before.rss) } },
      { name: '  heap used after GC', value: mb(core.after.heapUsed), unit: 'MB', baseline: { name: 'same process before', value: mb(core.before.heapUsed) } },
      { name: '    heap per agent', value: (core.after.heapUsed - core.before.heapUsed) / core.agents / 1024, unit: 'KB' },
      { name: '  target.hub.stats(): shared watches', value: core.hub.watches, unit: 'watches', note: `[design: one per (context, resource, namespace) → ${NAMESPACES} pod watches; a watch per agent would be ${core.agents}]` },
      { name: '  target.hub.stats(): subscribers', value: core.hub.subscribers, unit: 'subscribers' },
      { name: '  API server: namespace-scoped WATCH requests open (all clients)', value: sumOf(core.apiWatchesAfter), unit: 'watches', baseline: { name: 'before', value: sumOf(core.apiWatchesBefore) }, note: `[Δ pods ${delta('pods')}, Δ all ${sumOf(core.apiWatchesAfter) - sumOf(core.apiWatchesBefore)}]` },
    ]);
    const fleet = new Map([...rate.located, ...topUp.located]);
    print(await benchHealth(target, bare, (await contexts.open()).core, ids, fleet, ' (fleet)'));
    print(await statusCost(target, path.join(dataDir, 'kubernetes', 'kubernetes-target'), (await contexts.open()).context, fleet));
  } finally {
    // Each step on its own: one that fails must not leave the cluster's namespaces behind.
    await (target ? target.dispose() : contexts.dispose()).catch((error: unknown) => console.log(`cleanup: disposing the target failed: ${String(error)}`));
    const started = performance.now();
    const left = await bare.deleteNamespaces([...namespaces], 180_000).catch((error: unknown) => [`(${String(error)})`]);
    // Deleted last: its finalizer holds it until no Service has an address from it.
    if (addedServiceRange) await bare.deleteServiceCIDR(serviceRange);
    console.log(`\ncleanup: ${namespaces.size} namespaces deleted in ${((performance.now() - started) / 1000).toFixed(0)} s${left.length ? `; still terminating: ${left.join(', ')}` : ''}${addedServiceRange ? `; ServiceCIDR ${serviceRange} deleted` : ''}`);
    // The agent's image too (kwok runs no containers, so nothing else holds it): every run builds it once.
    const docker = new Dockerode();
    for (const image of await docker.listImages({ filters: { label: [`${DOCKER_LABELS.agent}=${AGENT}`] } }).catch(() => [])) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

await main();

/**
 * Figure 4 of `npm run bench:k8s`, run by bench/k8s.bench.ts in a process of its own: a console
 * core (a KubernetesTarget over the bench's data dir) that starts following nothing, then computes
 * the status of every agent deployment in its state dir — what a console that restarts next to
 * 1,000 agents does. Alone, so the parent's deploy load and its naive baselines (thousands of
 * one-off TLS clients) do not count in this memory. Prints one JSON line (ConsoleCoreFigures).
 *
 * Env: BENCH_K8S_KUBECONFIG, BENCH_K8S_DATA_DIR (the data dir the parent's fleet target used).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { homeLabel } from '../src-main/core/targets/deployment-identity';
import { KubeContexts } from '../src-main/core/targets/kubernetes/kube-client';
import { KubernetesTarget } from '../src-main/core/targets/kubernetes/kubernetes-target';
import { BareCluster, memoryAfterGc } from './k8s-cluster';

export interface ConsoleCoreFigures {
  agents: number;
  running: number;
  /** Milliseconds for status() of every agent at once, first call (subscribes, waits for the lists) and again. */
  firstStatusMs: number;
  warmStatusMs: number;
  before: { rss: number; heapUsed: number };
  after: { rss: number; heapUsed: number };
  hub: { watches: number; subscribers: number };
  /** The API server's namespace-scoped WATCH requests, by resource, before and after (all clients). */
  apiWatchesBefore: Record<string, number>;
  apiWatchesAfter: Record<string, number>;
}

const kubeconfig = process.env.BENCH_K8S_KUBECONFIG!;
const dataDir = process.env.BENCH_K8S_DATA_DIR!;
const stateDir = path.join(dataDir, 'kubernetes');
const bare = BareCluster.fromFile(kubeconfig);
const contexts = new KubeContexts({ env: { ...process.env, KUBECONFIG: kubeconfig } });
const target = new KubernetesTarget({ stateDir, home: homeLabel(dataDir), contexts });
await contexts.open();
const ids = readdirSync(path.join(stateDir, 'kubernetes-target'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => decodeURIComponent(name.slice(0, -'.json'.length)));

const apiWatchesBefore = Object.fromEntries(await bare.openWatches());
const before = memoryAfterGc();
let started = performance.now();
const statuses = await Promise.all(ids.map((id) => target.status(id)));
const firstStatusMs = performance.now() - started;
started = performance.now();
await Promise.all(ids.map((id) => target.status(id)));
const warmStatusMs = performance.now() - started;
const after = memoryAfterGc();
const hub = target.hub.stats();
const apiWatchesAfter = Object.fromEntries(await bare.openWatches());
await target.dispose();

const figures: ConsoleCoreFigures = {
  agents: ids.length,
  running: statuses.filter((status) => status?.replicas.some((replica) => replica.state === 'running')).length,
  firstStatusMs,
  warmStatusMs,
  before,
  after,
  hub,
  apiWatchesBefore,
  apiWatchesAfter,
};
console.log(JSON.stringify(figures));

/**
 * Cluster-side helpers for `npm run bench:k8s` (bench/k8s.bench.ts): the baselines a naive
 * client would use (a plain Deployment created and followed to Available like `kubectl apply` +
 * `kubectl rollout status`), the API server's own count of open watches from its /metrics, room
 * for 1,000 Services on a cluster with a small service range, memory after a GC, a worker pool,
 * and cleanup. Kept apart so the bench file reads as the figures it prints.
 */
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, Watch } from '@kubernetes/client-node';
import type { V1Deployment } from '@kubernetes/client-node';
import { rolloutState } from '../src-main/core/targets/kubernetes/rollout-status';

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** Runs `work` over `items`, `width` at a time. */
export async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

// A full GC without starting node with --expose-gc (the npm script runs plain tsx).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** RSS and heap used, in bytes, right after a full GC. */
export function memoryAfterGc(): { rss: number; heapUsed: number } {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}

/** Milliseconds per call of `call`, `count` calls one after another. */
export async function perCall(count: number, call: () => Promise<unknown>): Promise<number> {
  await call();
  const started = performance.now();
  for (let i = 0; i < count; i++) await call();
  return (performance.now() - started) / count;
}

/** Plain clients for the baselines, straight from the kubeconfig (no AgentDock code in the path). */
export class BareCluster {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  private readonly watch: Watch;

  constructor(readonly config: KubeConfig) {
    this.core = config.makeApiClient(CoreV1Api);
    this.apps = config.makeApiClient(AppsV1Api);
    this.watch = new Watch(config);
  }

  static fromFile(kubeconfig: string): BareCluster {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    return new BareCluster(config);
  }

  async createNamespace(name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name, labels: { 'agentdock.dev/bench': 'k8s' } } } });
  }

  /**
   * The floor under any Kubernetes deploy: one create of a plain one-replica Deployment, followed
   * by a watch until its rollout is done (the same test AgentDock applies: rollout-status.ts), as
   * `kubectl create` + `kubectl rollout status` would. Returns the milliseconds it took.
   */
  async createAndWaitAvailable(namespace: string, name: string, image: string, timeoutMs = 120_000): Promise<number> {
    const started = performance.now();
    let settle!: (error?: Error) => void;
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    const timer = setTimeout(() => settle(new Error(`bare Deployment ${namespace}/${name} was not available within ${timeoutMs} ms`)), timeoutMs);
    // The watch is open before the create, so no status change can slip between the two.
    const controller = await this.watch.watch(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      { fieldSelector: `metadata.name=${name}` },
      (_phase, object: V1Deployment) => {
        if (rolloutState(object, object.metadata?.generation ?? 1).done) settle();
      },
      (error: unknown) => {
        if (error) settle(error instanceof Error ? error : new Error(String(error)));
      },
    );
    try {
      await this.apps.createNamespacedDeployment({ namespace, body: bareDeployment(name, image) });
      await done;
      return performance.now() - started;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  /**
   * Room for `needed` more Services: the test cluster's API server may have been started with
   * the default /24 service range (254 addresses); Kubernetes 1.33+ takes more ranges at run time
   * as ServiceCIDR objects, so one /16 is added (named `name`) when the free addresses fall short.
   * Returns whether it was added (cleanup deletes it).
   */
  async ensureServiceRoom(needed: number, name: string): Promise<boolean> {
    const networking = this.config.makeApiClient(NetworkingV1Api);
    const items = (await networking.listServiceCIDR()).items;
    const ipv4 = (list: typeof items): string[] => list.flatMap((cidr) => cidr.spec?.cidrs ?? []).filter((cidr) => !cidr.includes(':'));
    // A range being deleted gives no addresses, but still may not be overlapped.
    const ranges = ipv4(items.filter((cidr) => !cidr.metadata?.deletionTimestamp));
    const capacity = ranges.reduce((total, cidr) => total + 2 ** (32 - Number(cidr.split('/')[1])) - 2, 0);
    const used = (await this.core.listServiceForAllNamespaces()).items.length;
    if (capacity - used >= needed) return false;
    const taken = ipv4(items).map(ipv4Range);
    const candidate = Array.from({ length: 16 }, (_, i) => `10.${112 + i}.0.0/16`).find((cidr) => {
      const [start, end] = ipv4Range(cidr);
      return taken.every(([from, to]) => end < from || start > to);
    });
    if (!candidate) throw new Error(`the cluster's Service ranges (${ranges.join(', ')}) have ${capacity - used} free addresses, ${needed} are needed, and no free 10.112-127.0.0/16 range is left to add`);
    await networking.createServiceCIDR({ body: { metadata: { name, labels: { 'agentdock.dev/bench': 'k8s' } }, spec: { cidrs: [candidate] } } });
    return true;
  }

  async deleteServiceCIDR(name: string): Promise<void> {
    await this.config.makeApiClient(NetworkingV1Api).deleteServiceCIDR({ name }).catch(() => undefined);
  }

  /** Deletes the namespaces and waits (up to `timeoutMs`) until they are gone; returns those still terminating. */
  async deleteNamespaces(names: readonly string[], timeoutMs: number): Promise<string[]> {
    await Promise.all(names.map((name) => this.core.deleteNamespace({ name }).catch(() => undefined)));
    const deadline = Date.now() + timeoutMs;
    let left = [...names];
    while (left.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const existing = new Set((await this.core.listNamespace()).items.map((ns) => ns.metadata?.name));
      left = left.filter((name) => existing.has(name));
    }
    return left;
  }

  /**
   * Long-running WATCH requests the API server holds open, by resource, as it counts them itself
   * (`apiserver_longrunning_requests`, a stable metric) for the given scope.
   */
  async openWatches(scope: 'namespace' | 'cluster' = 'namespace'): Promise<Map<string, number>> {
    const server = this.config.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const options: RequestOptions = {};
    await this.config.applyToHTTPSOptions(options);
    const text = await new Promise<string>((resolve, reject) => {
      const call = request(new URL('/metrics', server), { ...options, method: 'GET' }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${server}/metrics: HTTP ${response.statusCode}`))));
      });
      call.on('error', reject);
      call.end();
    });
    const counts = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_longrunning_requests{') || !line.includes('verb="WATCH"') || !line.includes(`scope="${scope}"`)) continue;
      const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '?';
      counts.set(resource, (counts.get(resource) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return counts;
  }
}

/** A Deployment with nothing AgentDock adds: one container, one replica, default strategy. */
function bareDeployment(name: string, image: string): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

function ipv4Range(cidr: string): [number, number] {
  const [address, bits] = cidr.split('/');
  const start = address!.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
  return [start, start + 2 ** (32 - Number(bits)) - 1];
}

export function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const value of counts.values()) total += value;
  return total;
}

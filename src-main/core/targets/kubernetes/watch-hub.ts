/**
 * Shared watches: one list+watch per (context, resource, namespace), however many panels, rollout
 * waits and status calls want it. Reference-counted: the watch opens with its first subscriber and
 * closes with its last, so a console that opens and closes a view a thousand times holds the same
 * number of connections as one that opened it once (a test counts them on the API server).
 *
 * Each watch is client-node's ListWatch (list, then watch from the list's resourceVersion; a 410
 * Gone re-lists), restarted with capped exponential backoff when its connection fails — an API
 * server that goes away and comes back is followed again without anyone re-subscribing. The state
 * (`connecting`, `online`, `offline` with the last error) is what the console shows per context.
 */
import { ListWatch } from '@kubernetes/client-node';
import type { KubernetesListObject, KubernetesObject, Watch } from '@kubernetes/client-node';
import { errorMessage } from '../../contracts';
import type { KubeClients, KubeContexts } from './kube-client';
import { kubeFailure } from './kube-api';
import { deferred } from '../../../../src-shared/util/deferred';
import type { Deferred } from '../../../../src-shared/util/deferred';

export type WatchedResource = 'deployments' | 'pods' | 'events' | 'replicasets';

const RESOURCES: Record<WatchedResource, { apiVersion: string; kind: string; group: string }> = {
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment', group: '/apis/apps/v1' },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet', group: '/apis/apps/v1' },
  pods: { apiVersion: 'v1', kind: 'Pod', group: '/api/v1' },
  events: { apiVersion: 'v1', kind: 'Event', group: '/api/v1' },
};

export interface WatchKey {
  context: string;
  resource: WatchedResource;
  /** One namespace; undefined watches all namespaces. */
  namespace?: string;
  labelSelector?: string;
}

export type WatchState = { state: 'connecting' } | { state: 'online' } | { state: 'offline'; error: string; retryInMs: number };

export interface WatchListener<T> {
  /** An object was added, changed or deleted. */
  onChange?(type: 'add' | 'update' | 'delete', object: T): void;
  onState?(state: WatchState): void;
}

export interface WatchSubscription<T> {
  /** The objects the watch holds now (empty until the first list arrives). */
  list(): T[];
  state(): WatchState;
  /** Resolves once the first list has arrived (or rejects with the error that kept it from arriving). */
  synced(): Promise<void>;
  dispose(): void;
}

interface SharedWatch {
  key: string;
  informer: ListWatch<KubernetesObject> | undefined;
  listeners: Set<WatchListener<KubernetesObject>>;
  state: WatchState;
  /** Settles with the current connection attempt's first list (replaced at each retry). */
  synced: Deferred<void>;
  retryTimer: NodeJS.Timeout | undefined;
  failures: number;
  closed: boolean;
}

export interface WatchHubOptions {
  /** Backoff after a failed watch: first delay and cap, ms (defaults 1 s and 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class WatchHub {
  private readonly watches = new Map<string, SharedWatch>();
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly contexts: KubeContexts,
    options: WatchHubOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  /** Subscribes to a shared watch; the first subscriber opens it. */
  subscribe<T extends KubernetesObject>(key: WatchKey, listener: WatchListener<T> = {}): WatchSubscription<T> {
    const id = watchId(key);
    let watch = this.watches.get(id);
    if (!watch) {
      watch = { key: id, informer: undefined, listeners: new Set(), state: { state: 'connecting' }, synced: deferred(), retryTimer: undefined, failures: 0, closed: false };
      this.watches.set(id, watch);
      this.open(watch, key);
    }
    const shared = watch;
    const typed = listener as WatchListener<KubernetesObject>;
    shared.listeners.add(typed);
    let disposed = false;
    return {
      list: () => (shared.informer?.list() ?? []) as T[],
      state: () => shared.state,
      synced: () => shared.synced.promise,
      dispose: () => {
        if (disposed) return;
        disposed = true;
        shared.listeners.delete(typed);
        if (shared.listeners.size === 0) this.close(shared);
      },
    };
  }

  /** Open watches and their subscribers (the leak test and the benchmark read this). */
  stats(): { watches: number; subscribers: number } {
    let subscribers = 0;
    for (const watch of this.watches.values()) subscribers += watch.listeners.size;
    return { watches: this.watches.size, subscribers };
  }

  /** Closes every watch. */
  dispose(): void {
    for (const watch of [...this.watches.values()]) this.close(watch);
  }

  private open(watch: SharedWatch, key: WatchKey): void {
    void this.contexts
      .open(key.context)
      .then((clients) => {
        if (watch.closed) return;
        const informer = this.informer(clients, key);
        watch.informer = informer;
        const forward = (type: 'add' | 'update' | 'delete') => (object: KubernetesObject) => {
          for (const listener of [...watch.listeners]) listener.onChange?.(type, object);
        };
        informer.on('add', forward('add'));
        informer.on('update', forward('update'));
        informer.on('delete', forward('delete'));
        // ListWatch reports a failed list or watch through 'error' and then stops; start() resolves either way.
        let errored = false;
        informer.on('error', (error: unknown) => {
          errored = true;
          this.failed(watch, key, kubeFailure(error, clients, `watching ${key.resource}${key.namespace ? ` in ${key.namespace}` : ''}`));
        });
        informer
          .start()
          .then(() => {
            if (watch.closed || errored) return;
            watch.failures = 0;
            this.setState(watch, { state: 'online' });
            watch.synced.resolve();
          })
          .catch((error: unknown) => this.failed(watch, key, kubeFailure(error, clients, `watching ${key.resource}`)));
      })
      .catch((error: unknown) => this.failed(watch, key, error instanceof Error ? error : new Error(errorMessage(error))));
  }

  private informer(clients: KubeClients, key: WatchKey): ListWatch<KubernetesObject> {
    const resource = RESOURCES[key.resource];
    const path = `${resource.group}${key.namespace ? `/namespaces/${encodeURIComponent(key.namespace)}` : ''}/${key.resource}`;
    const list = (): Promise<KubernetesListObject<KubernetesObject>> => clients.objects.list(resource.apiVersion, resource.kind, key.namespace, undefined, undefined, undefined, undefined, key.labelSelector);
    // Watch.watch can throw before its request (an exec credential plugin that fails); ListWatch
    // awaits it inside its own reconnect handler, where a throw would be an unhandled rejection.
    const watcher = {
      watch: async (...args: Parameters<Watch['watch']>): Promise<AbortController> => {
        try {
          return await clients.watch.watch(...args);
        } catch (error) {
          args[3](error);
          return new AbortController();
        }
      },
    } as unknown as Watch;
    return new ListWatch<KubernetesObject>(path, watcher, list, false, key.labelSelector);
  }

  private failed(watch: SharedWatch, key: WatchKey, error: Error): void {
    if (watch.closed) return;
    void watch.informer?.stop();
    watch.failures += 1;
    const retryInMs = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (watch.failures - 1));
    this.setState(watch, { state: 'offline', error: error.message, retryInMs });
    // Callers waiting on this attempt's list learn why now (no-op when it had already arrived).
    watch.synced.reject(error);
    clearTimeout(watch.retryTimer);
    watch.retryTimer = setTimeout(() => {
      if (watch.closed) return;
      // A new attempt, a new first list to wait for: later waiters see the recovery.
      watch.synced = deferred();
      this.setState(watch, { state: 'connecting' });
      // The context's clients and pooled connections are shared with every other watch and call;
      // the pool replaces dead sockets itself, so a retry reuses them.
      this.open(watch, key);
    }, retryInMs);
    watch.retryTimer.unref?.();
  }

  private setState(watch: SharedWatch, state: WatchState): void {
    watch.state = state;
    for (const listener of [...watch.listeners]) listener.onState?.(state);
  }

  private close(watch: SharedWatch): void {
    watch.closed = true;
    clearTimeout(watch.retryTimer);
    void watch.informer?.stop();
    this.watches.delete(watch.key);
  }
}

function watchId(key: WatchKey): string {
  return JSON.stringify([key.context, key.resource, key.namespace ?? '*', key.labelSelector ?? '']);
}

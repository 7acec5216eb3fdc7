/**
 * Clients for the kubeconfig's contexts, opened lazily: nothing is read from a cluster until a
 * context is used, so a dead cluster never delays start-up. The kubeconfig is read as kubectl
 * reads it (every file in KUBECONFIG, or ~/.kube/config; the first definition of a name wins),
 * through @kubernetes/client-node, which handles client certificates, tokens, exec credential
 * plugins, OIDC and `proxy-url`. Two things it leaves to us, done here:
 *
 * - Exec plugins need the user's login-shell PATH: an app started from a desktop dock inherits a
 *   bare PATH, so `aws`, `gke-gcloud-auth-plugin` or `kubelogin` are not found. When a plugin's
 *   command is not on PATH, the login shell's PATH is asked once and given to the plugin; if it
 *   is still missing, the error names the command and where it was looked for.
 * - HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply to clusters without a `proxy-url`, as with kubectl.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, NodeV1Api, VersionApi, Watch } from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';
import { CoreError } from '../../contracts';

type Env = Readonly<Record<string, string | undefined>>;

export interface KubeClients {
  context: string;
  server: string;
  /** The context's default namespace (`default` when it names none). */
  namespace: string;
  config: KubeConfig;
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  node: NodeV1Api;
  version: VersionApi;
  watch: Watch;
}

export interface KubeClientOptions {
  env?: Env;
  /** Asks the login shell for its PATH (tests inject one); default runs `$SHELL -l -c`. */
  loginShellPath?: () => Promise<string | undefined>;
}

/** The kubeconfig files kubectl would read: KUBECONFIG's list, or ~/.kube/config. */
export function kubeconfigFiles(env: Env = process.env): string[] {
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  return [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
}

/** One KubeConfig per context, built on first use. */
export class KubeContexts {
  private readonly env: Env;
  private readonly clients = new Map<string, Promise<KubeClients>>();
  private readonly pools = new Map<string, DispatcherPool>();
  private loginPath: Promise<string | undefined> | undefined;

  constructor(private readonly options: KubeClientOptions = {}) {
    this.env = options.env ?? process.env;
  }

  /** The merged kubeconfig as client-node reads it (fresh each call: the user may have logged in since). */
  load(): KubeConfig {
    const merged = new KubeConfig();
    let first = true;
    const problems: string[] = [];
    for (const file of kubeconfigFiles(this.env)) {
      const config = new KubeConfig();
      try {
        config.loadFromFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        problems.push(`${file}: ${(error as Error).message}`);
        continue;
      }
      if (first) {
        merged.loadFromOptions({ clusters: config.clusters, users: config.users, contexts: config.contexts, currentContext: config.currentContext });
        first = false;
      } else {
        mergeFirstWins(merged, config);
      }
    }
    if (first) {
      const files = kubeconfigFiles(this.env).join(', ');
      throw new CoreError('E2020', `No kubeconfig could be read (${files})${problems.length ? `: ${problems.join('; ')}` : ''}. Create one with your cluster's tooling (kubectl config, kind, minikube, a cloud CLI), or set KUBECONFIG.`);
    }
    return merged;
  }

  /** The context used when none is named: the kubeconfig's current-context. */
  defaultContext(): string {
    const current = this.load().getCurrentContext();
    if (!current) throw new CoreError('E2020', 'The kubeconfig has no current-context; name a context (--context).');
    return current;
  }

  /** Clients for a context (the default one when omitted); the same object for the life of this KubeContexts. */
  async open(contextName?: string): Promise<KubeClients> {
    const name = contextName ?? this.defaultContext();
    let clients = this.clients.get(name);
    if (!clients) {
      clients = this.build(name);
      this.clients.set(name, clients);
      clients.catch(() => this.clients.delete(name));
    }
    return clients;
  }

  /** Forgets a context's clients (after its credentials changed, or to reconnect from scratch). */
  forget(contextName: string): void {
    this.clients.delete(contextName);
    this.pools.get(contextName)?.close();
    this.pools.delete(contextName);
  }

  /** Closes every pooled connection. */
  async dispose(): Promise<void> {
    for (const name of [...this.clients.keys()]) this.forget(name);
  }

  private async build(name: string): Promise<KubeClients> {
    const config = this.load();
    const context = config.getContextObject(name);
    if (!context) {
      const known = config.getContexts().map((c) => c.name);
      throw new CoreError('E2020', `The kubeconfig has no context "${name}" (it has: ${known.join(', ') || 'none'}). Pick one of those, or add it with kubectl config set-context.`);
    }
    config.setCurrentContext(name);
    const cluster = config.getCluster(context.cluster);
    if (!cluster) throw new CoreError('E2020', `Context ${name} names cluster "${context.cluster}", which no kubeconfig file defines; fix the kubeconfig.`);
    const user = config.getUser(context.user);
    if (context.user && !user) throw new CoreError('E2020', `Context ${name} names user "${context.user}", which no kubeconfig file defines; fix the kubeconfig.`);
    const proxied = withEnvironmentProxy(cluster, this.env);
    const execUser = user ? await this.withPluginPath(user, name) : undefined;
    if (proxied !== cluster || execUser !== user) {
      config.loadFromOptions({
        clusters: config.clusters.map((c) => (c.name === cluster.name ? proxied : c)),
        users: config.users.map((u) => (user && u.name === user.name ? execUser : u)),
        contexts: config.contexts,
        currentContext: name,
      });
    }
    const pool = pooledDispatchers(config);
    this.pools.set(name, pool);
    return {
      context: name,
      server: cluster.server,
      namespace: context.namespace ?? 'default',
      config,
      objects: KubernetesObjectApi.makeApiClient(config),
      core: config.makeApiClient(CoreV1Api),
      apps: config.makeApiClient(AppsV1Api),
      node: config.makeApiClient(NodeV1Api),
      version: config.makeApiClient(VersionApi),
      watch: new Watch(config),
    };
  }

  /** The user with PATH set for its exec plugin when the plugin is only on the login shell's PATH. */
  private async withPluginPath(user: User, context: string): Promise<User> {
    const exec = user.exec as { command?: string; env?: { name: string; value: string }[] } | undefined;
    if (!exec?.command) return user;
    const currentPath = exec.env?.find((e) => e.name === 'PATH')?.value ?? this.env.PATH ?? '';
    if (findOnPath(exec.command, currentPath)) return user;
    this.loginPath ??= (this.options.loginShellPath ?? (() => loginShellPath(this.env)))();
    const shellPath = await this.loginPath;
    const combined = [currentPath, shellPath].filter(Boolean).join(path.delimiter);
    if (!shellPath || !findOnPath(exec.command, combined)) {
      throw new CoreError(
        'E2020',
        `Context ${context} logs in with the exec credential plugin "${exec.command}", which is not installed or not on PATH (looked in: ${combined || 'an empty PATH'}). Install it (for example the cloud provider's CLI), or put its folder on PATH, then retry.`,
      );
    }
    return { ...user, exec: { ...exec, env: [...(exec.env ?? []).filter((e) => e.name !== 'PATH'), { name: 'PATH', value: combined }] } } as User;
  }
}

interface DispatcherPool {
  close(): void;
}

/**
 * One connection pool per (cluster, credentials) instead of one per request. client-node 2.0
 * builds a new undici Agent in `applySecurityAuthentication` for every API call and watch, so
 * each call opened a fresh TLS connection and left it idling: 40 open/close cycles of six watches
 * left 491 established sockets (kube-connection.test.ts). The key includes the client
 * certificate, key and CA, so credentials an exec plugin rotates get a pool of their own.
 */
function pooledDispatchers(config: KubeConfig): DispatcherPool {
  type CreateDispatcher = (cluster: Cluster | null, agentOptions: Record<string, unknown>) => { close?: () => Promise<void> } | undefined;
  const target = config as unknown as { createDispatcher: CreateDispatcher };
  const original = target.createDispatcher.bind(config);
  const pool = new Map<string, ReturnType<CreateDispatcher>>();
  target.createDispatcher = (cluster, agentOptions) => {
    const hash = createHash('sha256');
    hash.update(JSON.stringify([cluster?.server, cluster?.proxyUrl, agentOptions.rejectUnauthorized, agentOptions.servername]));
    for (const part of [agentOptions.ca, agentOptions.cert, agentOptions.key, agentOptions.pfx]) hash.update(part === undefined ? '-' : Buffer.isBuffer(part) ? part : String(part));
    const key = hash.digest('hex');
    if (!pool.has(key)) pool.set(key, original(cluster, agentOptions));
    return pool.get(key);
  };
  return {
    close: () => {
      for (const dispatcher of pool.values()) void dispatcher?.close?.().catch(() => undefined);
      pool.clear();
    },
  };
}

/** Adds the names `from` defines that `into` does not (kubectl's rule: the first file to define a name wins). */
function mergeFirstWins(into: KubeConfig, from: KubeConfig): void {
  const clusters = [...into.clusters, ...from.clusters.filter((c) => !into.getCluster(c.name))];
  const users = [...into.users, ...from.users.filter((u) => !into.getUser(u.name))];
  const contexts = [...into.contexts, ...from.contexts.filter((c) => !into.getContextObject(c.name))];
  into.loadFromOptions({ clusters, users, contexts, currentContext: into.currentContext || from.currentContext });
}

/** The cluster with HTTPS_PROXY/HTTP_PROXY as its proxy-url, unless it has one or NO_PROXY covers its host. */
export function withEnvironmentProxy(cluster: Cluster, env: Env): Cluster {
  if (cluster.proxyUrl) return cluster;
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    return cluster;
  }
  const proxy = url.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy || bypassesProxy(url.hostname, env.NO_PROXY ?? env.no_proxy ?? '')) return cluster;
  return { ...cluster, proxyUrl: proxy };
}

/** NO_PROXY as curl and kubectl read it: `*`, exact hosts, domain suffixes (`.example.com` or `example.com`), IPs. */
export function bypassesProxy(host: string, noProxy: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const bare = entry.replace(/:\d+$/, '').replace(/^\*?\./, '');
      return name === bare || name.endsWith(`.${bare}`);
    });
}

function findOnPath(command: string, searchPath: string): string | undefined {
  const candidates = command.includes('/') || command.includes(path.sep) ? [command] : searchPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  const extensions = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const candidate of candidates) {
    for (const extension of extensions) {
      try {
        accessSync(candidate + extension, constants.X_OK);
        return candidate + extension;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** PATH as the user's login shell sets it; undefined on Windows or when the shell does not answer in 3 s. */
export function loginShellPath(env: Env): Promise<string | undefined> {
  if (process.platform === 'win32') return Promise.resolve(undefined);
  const shell = env.SHELL || '/bin/sh';
  const marker = '__AGENTDOCK_PATH__';
  return new Promise((resolve) => {
    execFile(shell, ['-l', '-c', `printf '${marker}%s${marker}' "$PATH"`], { timeout: 3000, env: { ...env, TERM: 'dumb' } as NodeJS.ProcessEnv }, (error, stdout) => {
      const match = !error || stdout ? new RegExp(`${marker}(.*)${marker}`, 's').exec(stdout) : null;
      resolve(match?.[1] || undefined);
    });
  });
}

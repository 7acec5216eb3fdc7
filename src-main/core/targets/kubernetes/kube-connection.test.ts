// Connecting to real clusters the way users' kubeconfigs do: an exec credential plugin found only
// on the login shell's PATH (a desktop app's PATH is bare), a missing plugin named in the error,
// HTTPS_PROXY honoured and NO_PROXY respected, and shared watches that leak neither watches nor
// sockets over many open/close cycles (counted by the API server itself).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../contracts';
import { bypassesProxy, KubeContexts } from './kube-client';
import { ensureTestCluster, testNamespace } from './kube-test-support';
import { WatchHub } from './watch-hub';

let kubeconfig: string;
let work: string;
let server: string;
let caFile: string;
let certFile: string;
let keyFile: string;

beforeAll(() => {
  kubeconfig = ensureTestCluster();
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  server = config.getCurrentCluster()!.server;
  caFile = config.getCurrentCluster()!.caFile!;
  certFile = config.getCurrentUser()!.certFile!;
  keyFile = config.getCurrentUser()!.keyFile!;
  work = mkdtempSync(path.join(tmpdir(), 'agentdock-kube-conn-'));
}, 50 * 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A kubeconfig for the test cluster whose user logs in through an exec plugin named `command`. */
function execKubeconfig(command: string): string {
  const file = path.join(work, `exec-${command}.kubeconfig`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: test, cluster: { server: "${server}", certificate-authority: "${caFile}" } }]
users: [{ name: plugin-user, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ${command}, interactiveMode: Never } } }]
contexts: [{ name: via-plugin, context: { cluster: test, user: plugin-user, namespace: team-a } }]
current-context: via-plugin
`,
  );
  return file;
}

/** An exec credential plugin (a real program) that hands out the cluster's admin client certificate. */
function writePlugin(dir: string, command: string): void {
  mkdirSync(dir, { recursive: true });
  const credential = JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: { clientCertificateData: readFileSync(certFile, 'utf8'), clientKeyData: readFileSync(keyFile, 'utf8') },
  });
  writeFileSync(path.join(dir, command), `#!/bin/sh\ncat <<'JSON'\n${credential}\nJSON\n`);
  chmodSync(path.join(dir, command), 0o755);
}

describe('exec credential plugins', () => {
  it('a plugin missing from PATH and from the login shell is named in the error, with where it was looked for', async () => {
    const contexts = new KubeContexts({ env: { KUBECONFIG: execKubeconfig('adk-missing-login'), PATH: '/usr/bin:/bin' }, loginShellPath: async () => '/opt/nowhere' });
    const error = await contexts.open('via-plugin').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).message).toMatch(/exec credential plugin "adk-missing-login", which is not installed or not on PATH \(looked in: \/usr\/bin:\/bin:\/opt\/nowhere\)/);
  });

  it('a plugin only on the login shell PATH is found there (a real bash -l reading ~/.bash_profile) and authenticates for real', async () => {
    const pluginDir = path.join(work, 'login-bin');
    writePlugin(pluginDir, 'adk-login');
    const fakeHome = path.join(work, 'home');
    mkdirSync(fakeHome, { recursive: true });
    writeFileSync(path.join(fakeHome, '.bash_profile'), `export PATH="${pluginDir}:$PATH"\n`);
    // A dock-launched app: a bare PATH without the plugin's folder.
    const contexts = new KubeContexts({ env: { KUBECONFIG: execKubeconfig('adk-login'), PATH: '/usr/bin:/bin', HOME: fakeHome, SHELL: '/bin/bash' } });
    const clients = await contexts.open();
    expect(clients).toMatchObject({ context: 'via-plugin', namespace: 'team-a' });
    const version = await clients.version.getCode();
    expect(version.gitVersion).toMatch(/^v1\.\d+/);
    // Authenticated as the certificate's user (not anonymous): listing namespaces needs RBAC.
    const namespaces = await clients.core.listNamespace();
    expect(namespaces.items.map((ns) => ns.metadata?.name)).toContain('kube-system');
  });
});

/** A minimal HTTP CONNECT proxy on loopback that records the hosts it tunnels to. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close: () => Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe('proxies', () => {
  it('HTTPS_PROXY carries the API calls through the proxy; NO_PROXY for the host bypasses it', async () => {
    const proxy = await startConnectProxy();
    try {
      const host = new URL(server).host;
      const viaProxy = await new KubeContexts({ env: { KUBECONFIG: kubeconfig, HTTPS_PROXY: proxy.url } }).open();
      expect((await viaProxy.version.getCode()).gitVersion).toMatch(/^v1\./);
      expect(proxy.tunnels).toContain(host);

      const before = proxy.tunnels.length;
      const bypass = await new KubeContexts({ env: { KUBECONFIG: kubeconfig, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } }).open();
      expect((await bypass.version.getCode()).gitVersion).toMatch(/^v1\./);
      expect(proxy.tunnels.length).toBe(before);
    } finally {
      await proxy.close();
    }
  });

  it('reads NO_PROXY as kubectl does', () => {
    expect(bypassesProxy('api.example.com', '.example.com')).toBe(true);
    expect(bypassesProxy('api.example.com', 'example.com')).toBe(true);
    expect(bypassesProxy('example.community', 'example.com')).toBe(false);
    expect(bypassesProxy('10.0.0.1', 'localhost, 10.0.0.1')).toBe(true);
    expect(bypassesProxy('anything', '*')).toBe(true);
    expect(bypassesProxy('api.example.com', '')).toBe(false);
  });
});

/** Open TCP connections of this process to a port, from /proc (Linux). */
function socketsTo(port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields[2] = remote address:port, fields[3] = state (01 = ESTABLISHED), fields[9] = inode
      if (fields.length > 9 && fields[2]!.endsWith(`:${hexPort}`) && fields[3] === '01' && inodes.has(fields[9]!)) count += 1;
    }
  }
  return count;
}

/** The API server's own gauge of namespaced WATCH requests in flight (ours: the cluster's controllers watch cluster-wide). */
async function namespacedWatchesOnServer(config: KubeConfig): Promise<number> {
  const options: https.RequestOptions = {};
  await config.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const request = https.get(`${server}/metrics`, options, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
  });
  return text
    .split('\n')
    .filter((line) => line.startsWith('apiserver_longrunning_requests{') && line.includes('verb="WATCH"') && line.includes('scope="namespace"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('shared watches', () => {
  it('one watch per (context, resource, namespace) however many subscribe; none and no extra sockets left after 40 open/close cycles', async () => {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const core = config.makeApiClient(CoreV1Api);
    const namespaces = [testNamespace('adk-watch'), testNamespace('adk-watch')];
    for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } });
    const port = Number(new URL(server).port);
    const hub = new WatchHub(new KubeContexts({ env: { KUBECONFIG: kubeconfig } }));
    try {
      const serverBaseline = await namespacedWatchesOnServer(config);
      // Many subscribers, few watches.
      const subscriptions = [];
      for (let i = 0; i < 30; i++) {
        subscriptions.push(hub.subscribe({ context: 'kwok-agentdock-test', resource: i % 2 ? 'pods' : 'deployments', namespace: namespaces[i % 2]! }));
      }
      await Promise.all(subscriptions.map((s) => s.synced()));
      expect(hub.stats()).toEqual({ watches: 2, subscribers: 30 });
      for (const subscription of subscriptions) subscription.dispose();
      expect(hub.stats()).toEqual({ watches: 0, subscribers: 0 });

      const socketsAfterFirst = socketsTo(port);
      for (let cycle = 0; cycle < 40; cycle++) {
        const open = namespaces.flatMap((namespace) => (['pods', 'deployments', 'events'] as const).map((resource) => hub.subscribe({ context: 'kwok-agentdock-test', resource, namespace })));
        await Promise.all(open.map((s) => s.synced()));
        expect(hub.stats().watches).toBe(6);
        for (const subscription of open) subscription.dispose();
      }
      expect(hub.stats()).toEqual({ watches: 0, subscribers: 0 });
      // The server sees the watches go away (aborted requests end on its side too).
      const deadline = Date.now() + 15_000;
      let onServer = await namespacedWatchesOnServer(config);
      while (onServer > serverBaseline && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        onServer = await namespacedWatchesOnServer(config);
      }
      expect(onServer).toBe(serverBaseline);
      // Pooled keep-alive connections may stay; their number must not grow with the cycles.
      expect(socketsTo(port)).toBeLessThanOrEqual(Math.max(socketsAfterFirst, 6));
    } finally {
      hub.dispose();
      for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
    }
  }, 180_000);
});

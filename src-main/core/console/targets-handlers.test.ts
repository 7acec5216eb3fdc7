// The Targets view through the contract: `targets:status` lists the process target, the Docker
// engine and every context of every kubeconfig file in KUBECONFIG without contacting a cluster;
// `targets:test` asks one API server for /version over real TLS with the kubeconfig's CA and
// token, and reports reachable / unauthorized / unreachable with a message that says why, within
// its timeout even when the server never answers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { adminHandlers } from './admin-handlers';
import { allocateLoopbackPort, listenOnLoopback } from '../loopback-server';
import { createConsoleHandlers } from './handlers';
import { connect } from './test-support';

let root: string;
let plane: ControlPlane;
let handlers: ReturnType<typeof createConsoleHandlers>;
let apiServer: https.Server;
let silentServer: net.Server;
let silentConnections = 0;
let apiRequests = 0;
let apiPort: number;
let silentPort: number;
let closedPort: number;
let caPem: string;


beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-targets-'));
  // A real TLS API-server stand-in: a certificate for 127.0.0.1 that only the kubeconfig's CA trusts.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=agentdock-test-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(root, 'key.pem'), '-out', path.join(root, 'cert.pem')], { stdio: 'ignore' });
  caPem = readFileSync(path.join(root, 'cert.pem'), 'utf8');
  apiServer = https.createServer({ key: readFileSync(path.join(root, 'key.pem')), cert: caPem }, (request, response) => {
    apiRequests++;
    if (request.url !== '/version') return void response.writeHead(404).end();
    if (request.headers.authorization !== 'Bearer good-token') return void response.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"major":"1","minor":"31","gitVersion":"v1.31.2"}');
  });
  apiPort = await listenOnLoopback(apiServer);
  // Accepts connections and never says a word: a cluster behind a black hole. (It reads, so it
  // sees the client hang up and the connection closes.)
  silentServer = net.createServer((socket) => {
    silentConnections++;
    socket.resume();
  });
  silentPort = await listenOnLoopback(silentServer);
  closedPort = await allocateLoopbackPort();

  const ca = Buffer.from(caPem).toString('base64');
  const first = path.join(root, 'kubeconfig-a');
  const second = path.join(root, 'kubeconfig-b');
  writeFileSync(
    first,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'live',
      clusters: [
        { name: 'lab', cluster: { server: `https://127.0.0.1:${apiPort}`, 'certificate-authority-data': ca } },
        { name: 'gone', cluster: { server: `https://127.0.0.1:${closedPort}`, 'certificate-authority-data': ca } },
      ],
      users: [
        { name: 'ann', user: { token: 'good-token' } },
        { name: 'expired', user: { token: 'stale-token' } },
      ],
      contexts: [
        { name: 'live', context: { cluster: 'lab', user: 'ann', namespace: 'team-a' } },
        { name: 'dead', context: { cluster: 'gone', user: 'ann' } },
      ],
    }),
  );
  writeFileSync(path.join(root, 'ca.pem'), caPem);
  writeFileSync(
    second,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'stale',
      clusters: [
        // The same server without the CA, and a relative CA path resolved against this file.
        { name: 'lab-no-ca', cluster: { server: `https://127.0.0.1:${apiPort}` } },
        { name: 'lab-ca-file', cluster: { server: `https://127.0.0.1:${apiPort}`, 'certificate-authority': 'ca.pem' } },
        { name: 'black-hole', cluster: { server: `https://127.0.0.1:${silentPort}`, 'certificate-authority-data': ca } },
      ],
      contexts: [
        // A second `live` loses to the first file's, as kubectl merges.
        { name: 'live', context: { cluster: 'lab-no-ca', user: 'ann', namespace: 'ignored' } },
        { name: 'stale', context: { cluster: 'lab-ca-file', user: 'expired' } },
        { name: 'untrusted', context: { cluster: 'lab-no-ca', user: 'ann' } },
        { name: 'silent', context: { cluster: 'black-hole', user: 'ann' } },
      ],
    }),
  );

  plane = openControlPlane({ dataDir: path.join(root, 'data'), env: { AGENTDOCK_MASTER_KEY: 'test-only-targets-passphrase' }, runtimeVersion: 'test', targets: { docker: undefined } });
  const env = { KUBECONFIG: [first, path.join(root, 'missing-kubeconfig'), second].join(path.delimiter), HOME: root };
  const base = createConsoleHandlers(plane, { mode: 'serve', version: 'test', log: () => undefined, env });
  // The same handlers with a short connection-test timeout, so the black hole costs half a second.
  handlers = Object.assign(base, { requests: { ...base.requests, ...adminHandlers(plane, { env, kubeTestTimeoutMs: 500 }) } });
}, 60_000);

afterAll(async () => {
  handlers?.dispose();
  await plane?.close();
  apiServer?.closeAllConnections();
  await new Promise((resolve) => apiServer?.close(resolve));
  await new Promise((resolve) => silentServer?.close(resolve));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('targets:status', () => {
  it('lists the process target, Docker as absent, and every context of every kubeconfig file, contacting no cluster', async () => {
    const { client } = connect(handlers, { user: 'val', role: 'viewer' });
    const answer = await client.request('targets:status', {});
    if (!answer.ok) throw new Error(answer.error.message);
    const status = answer.value;
    expect(status.process.available).toBe(true);
    expect(status.docker).toMatchObject({ available: false, problem: expect.stringContaining('No Docker engine') });
    expect(status.docker.baseImages).toEqual([
      { language: 'node', ref: 'node:22-bookworm-slim', present: null },
      { language: 'python', ref: 'python:3.12-slim-bookworm', present: null },
    ]);
    expect(status.kubernetes.files).toEqual([path.join(root, 'kubeconfig-a'), path.join(root, 'kubeconfig-b')]);
    expect(status.kubernetes.contexts.map((context) => [context.name, context.cluster, context.user, context.namespace, context.current, context.connection])).toEqual([
      ['live', 'lab', 'ann', 'team-a', true, 'not-connected'],
      ['dead', 'gone', 'ann', 'default', false, 'not-connected'],
      ['stale', 'lab-ca-file', 'expired', 'default', false, 'not-connected'],
      ['untrusted', 'lab-no-ca', 'ann', 'default', false, 'not-connected'],
      ['silent', 'black-hole', 'ann', 'default', false, 'not-connected'],
    ]);
    expect(status.kubernetes.contexts[1]).toMatchObject({ server: `https://127.0.0.1:${closedPort}`, file: path.join(root, 'kubeconfig-a') });
    expect(status.kubernetes.problems).toEqual([]);
    expect(apiRequests).toBe(0);
    expect(silentConnections).toBe(0);
    // Nothing a kubeconfig holds as a credential reaches the renderer.
    expect(JSON.stringify(status)).not.toContain('good-token');
  });

  it('reports kubeconfig problems instead of failing: unparsable files and contexts naming missing clusters', async () => {
    const broken = path.join(root, 'broken');
    writeFileSync(broken, 'clusters: [\n');
    const dangling = path.join(root, 'dangling');
    writeFileSync(dangling, stringify({ contexts: [{ name: 'orphan', context: { cluster: 'nowhere', user: 'nobody' } }] }));
    const own = adminHandlers(plane, { env: { KUBECONFIG: [broken, dangling].join(path.delimiter) } });
    const status = await own['targets:status']({}, { principal: { user: 'val', role: 'viewer' }, signal: new AbortController().signal, progress: () => undefined });
    expect(status.kubernetes.contexts.map((context) => context.name)).toEqual(['orphan']);
    expect(status.kubernetes.problems).toEqual([
      expect.stringMatching(/broken is not valid YAML/),
      'context orphan names cluster "nowhere", which no kubeconfig file defines',
      'context orphan names user "nobody", which no kubeconfig file defines',
    ]);
  });
});

describe('targets:test', () => {
  const developer = () => connect(handlers, { user: 'dev', role: 'developer' });

  it('reaches the API server with the kubeconfig CA and token, and reports its version', async () => {
    const answer = await developer().client.request('targets:test', { context: 'live' });
    expect(answer).toMatchObject({ ok: true, value: { context: 'live', status: 'reachable', version: 'v1.31.2', server: `https://127.0.0.1:${apiPort}`, message: expect.stringContaining('Kubernetes v1.31.2') } });
  });

  it('reports refused credentials as unauthorized (CA read from a file relative to its kubeconfig)', async () => {
    const answer = await developer().client.request('targets:test', { context: 'stale' });
    expect(answer).toMatchObject({ ok: true, value: { status: 'unauthorized', message: expect.stringContaining('refused the credentials of user expired (401 Unauthorized)') } });
  });

  it('reports a closed port as unreachable with the address and what to check', async () => {
    const answer = await developer().client.request('targets:test', { context: 'dead' });
    expect(answer).toMatchObject({ ok: true, value: { status: 'unreachable', message: `connection refused by 127.0.0.1:${closedPort}: nothing listens there; is the cluster running (kind, minikube, k3d…)?` } });
  });

  it('refuses a server certificate no CA of the kubeconfig vouches for', async () => {
    const answer = await developer().client.request('targets:test', { context: 'untrusted' });
    expect(answer).toMatchObject({ ok: true, value: { status: 'unreachable', message: expect.stringMatching(/TLS certificate of 127\.0\.0\.1:\d+ was not accepted .*certificate-authority-data of cluster lab-no-ca/) } });
  });

  it('gives up on a server that never answers at its timeout instead of hanging', async () => {
    const before = silentConnections;
    const answer = await developer().client.request('targets:test', { context: 'silent' });
    expect(answer).toMatchObject({ ok: true, value: { status: 'unreachable', message: `no answer from 127.0.0.1:${silentPort} within 0.5 s: the cluster may be down, or behind a VPN or firewall` } });
    expect(silentConnections).toBe(before + 1);
  });

  it('answers E3008 for a context no kubeconfig has, and E3002 to a viewer', async () => {
    expect(await developer().client.request('targets:test', { context: 'nope' })).toMatchObject({ ok: false, error: { code: 'E3008', message: expect.stringContaining('No kubeconfig context named nope') } });
    const viewer = connect(handlers, { user: 'val', role: 'viewer' });
    expect(await viewer.client.request('targets:test', { context: 'live' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
  });
});

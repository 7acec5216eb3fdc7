// The relay through the API server's proxy, end to end on the real control plane. kwok's pods run
// nothing, so the "pod" here is a real HTTP server in a network namespace this test creates (a
// veth pair, no route anywhere else), and a pod object carries its address as a kubelet would
// report it: the API server's pod proxy dials it exactly as it dials a real pod. Through the relay: metrics
// come back, an SSE stream arrives event by event, our credentials never reach the pod, and a
// request without the relay's token is refused.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubeContexts } from './kube-client';
import { KubeApiRelay } from './kube-relay';
import { ensureTestCluster, testNamespace } from './kube-test-support';

const suffix = (process.pid % 200) + 20;
const netns = `adk-relay-${process.pid}`;
const hostVeth = `adkh${process.pid % 100000}`;
const podVeth = `adkp${process.pid % 100000}`;
const hostIp = `10.213.${suffix}.1`;
const podIp = `10.213.${suffix}.2`;
const namespace = testNamespace('adk-relay');
let server: ChildProcess | undefined;
let core: CoreV1Api;
let relay: KubeApiRelay;

const POD_SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  if (req.url === '/metrics') return res.end('agentdock_requests_total 42\\nseen_authorization ' + (req.headers.authorization ? 1 : 0) + '\\n');
  if (req.url === '/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const timer = setInterval(() => { res.write('data: {"n":' + (++n) + '}\\n\\n'); if (n === 3) { clearInterval(timer); res.end(); } }, 150);
    return;
  }
  res.writeHead(404).end();
}).listen(8080, '${podIp}', () => console.log('listening'));
`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

beforeAll(async () => {
  const kubeconfig = ensureTestCluster();
  ip('netns', 'add', netns);
  ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', podVeth);
  ip('link', 'set', podVeth, 'netns', netns);
  ip('addr', 'add', `${hostIp}/30`, 'dev', hostVeth);
  ip('link', 'set', hostVeth, 'up');
  ip('netns', 'exec', netns, 'ip', 'addr', 'add', `${podIp}/30`, 'dev', podVeth);
  ip('netns', 'exec', netns, 'ip', 'link', 'set', podVeth, 'up');
  ip('netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up');
  server = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', POD_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => server!.stdout!.once('data', () => resolve()));

  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  core = config.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // A pod no scheduler or kwok node takes (its scheduler does not exist), given the address of the
  // server in the network namespace, as a kubelet would report it.
  await core.createNamespacedPod({ namespace, body: { metadata: { name: 'agent-0' }, spec: { schedulerName: 'agentdock-test-unscheduled', containers: [{ name: 'runtime', image: 'agentdock/none:0', ports: [{ name: 'http', containerPort: 8080 }] }] } } });
  await core.patchNamespacedPodStatus(
    { name: 'agent-0', namespace, body: { status: { phase: 'Running', podIP: podIp, podIPs: [{ ip: podIp }] } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  relay = new KubeApiRelay(new KubeContexts({ env: { KUBECONFIG: kubeconfig } }));
}, 50 * 60_000);

afterAll(async () => {
  await relay?.close();
  server?.kill();
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  try {
    ip('link', 'del', hostVeth);
  } catch {
    // gone with the namespace
  }
  try {
    ip('netns', 'del', netns);
  } catch {
    // never made
  }
});

it('relays metrics and a live SSE stream from a loopback endpoint through the API server proxy, without handing over credentials', async () => {
  const endpoint = await relay.endpoint({ context: 'kwok-agentdock-test', namespace, kind: 'pods', name: 'agent-0', port: 8080 }, 'deployment-1');
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{64}\/\w+$/);

  const metrics = await (await fetch(`${endpoint}/metrics`)).text();
  expect(metrics).toContain('agentdock_requests_total 42');
  expect(metrics).toContain('seen_authorization 0');

  const stream = await fetch(`${endpoint}/events`);
  expect(stream.headers.get('content-type')).toBe('text/event-stream');
  const reader = stream.body!.getReader();
  const arrivals: { at: number; text: string }[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    arrivals.push({ at: Date.now(), text: new TextDecoder().decode(value) });
  }
  expect(arrivals.map((a) => a.text).join('')).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"n":3}\n\n');
  // Streamed, not buffered until the end: the events arrived in more than one read.
  expect(arrivals.length).toBeGreaterThan(1);

  const forged = await fetch(endpoint.replace(/\/[0-9a-f]{64}\//, `/${'0'.repeat(64)}/`) + '/metrics');
  expect(forged.status).toBe(403);
  const unknown = await fetch(endpoint.replace(/\/\w+$/, '/zz') + '/metrics');
  expect(unknown.status).toBe(404);
  // The pod went: its route goes with it.
  relay.retain('deployment-1', new Set());
  expect((await fetch(`${endpoint}/metrics`)).status).toBe(404);
}, 120_000);

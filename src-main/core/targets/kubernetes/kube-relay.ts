/**
 * Loopback endpoints for pods, through the API server's proxy. Telemetry, the playground and the
 * event stream speak plain HTTP to `http://127.0.0.1:port` endpoints on every target; a pod is
 * only reachable through its cluster's API server (`/api/v1/namespaces/N/pods/P:port/proxy/…`),
 * with the kubeconfig's credentials. This relay makes each pod look like the others: a 127.0.0.1
 * listener, opened on first use, that forwards `/<token>/<route>/<path>` to that pod's proxy path
 * with the context's credentials (exec plugins and proxies included, through client-node), streaming
 * both ways, so SSE event streams flow as they arrive.
 *
 * Security: bound to 127.0.0.1 only; every path carries a random 256-bit token that only this
 * process knows (compared in constant time), so other local users cannot borrow the kubeconfig's
 * credentials through it; and a route names one pod and port that the target registered — the
 * relay is not a general API proxy. Endpoints are per process: they are never stored.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { errorMessage } from '../../contracts';
import { closeServer, listenOnLoopback } from '../../loopback-server';
import type { KubeContexts } from './kube-client';

/** A pod's port: one replica. */
interface Route {
  context: string;
  namespace: string;
  kind: 'pods';
  name: string;
  port: number | string;
}

function routeKey(route: Route): string {
  return JSON.stringify([route.context, route.namespace, route.kind, route.name, route.port]);
}

/** Request headers not forwarded: hop-by-hop ones, and anything that could carry our credentials' place. */
const DROPPED_HEADERS = new Set(['host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization']);

export class KubeApiRelay {
  private server: http.Server | undefined;
  private listening: Promise<number> | undefined;
  private readonly token = randomBytes(32).toString('hex');
  private readonly routes = new Map<string, Route & { owner: string }>();
  private readonly byKey = new Map<string, string>();
  private nextRoute = 0;

  constructor(private readonly contexts: KubeContexts) {}

  /**
   * `http://127.0.0.1:<port>/<token>/<route>` for a pod's port, registered for `owner`
   * (a deployment id); the relay starts on first use.
   */
  async endpoint(route: Route, owner: string): Promise<string> {
    const key = routeKey(route);
    let id = this.byKey.get(key);
    if (!id) {
      id = (this.nextRoute++).toString(36);
      this.byKey.set(key, id);
      this.routes.set(id, { ...route, owner });
    }
    const port = await this.listen();
    return `http://127.0.0.1:${port}/${this.token}/${id}`;
  }

  /**
   * Keeps only `owner`'s routes to the names given (its pods now): routes of pods that went
   * (restarts, rollouts, scale-down) answer 404 from then on, and the table does not grow with churn.
   */
  retain(owner: string, names: ReadonlySet<string>): void {
    for (const [id, route] of this.routes) {
      if (route.owner !== owner || names.has(route.name)) continue;
      this.routes.delete(id);
      this.byKey.delete(routeKey(route));
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (!server) return;
    await closeServer(server);
  }

  private listen(): Promise<number> {
    if (!this.listening) {
      this.server = http.createServer((request, response) => void this.forward(request, response));
      this.listening = listenOnLoopback(this.server);
    }
    return this.listening;
  }

  private async forward(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const [, token = '', id = '', ...rest] = (request.url ?? '/').split('/');
    const expected = Buffer.from(this.token);
    const given = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
      return;
    }
    const route = this.routes.get(id);
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('no such pod route (the pod is gone)\n');
      return;
    }
    let upstream: http.ClientRequest | undefined;
    try {
      const clients = await this.contexts.open(route.context);
      const options: https.RequestOptions = { method: request.method ?? 'GET', headers: {} };
      await clients.config.applyToHTTPSOptions(options);
      const headers: Record<string, string | string[]> = { ...(options.headers as Record<string, string>) };
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = value;
      }
      const url = new URL(`${clients.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(route.namespace)}/${route.kind}/${encodeURIComponent(route.name)}:${route.port}/proxy/${rest.join('/')}`);
      const send = url.protocol === 'http:' ? http.request : https.request;
      upstream = send(url, { ...options, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', (error) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end(`the API server proxy failed: ${errorMessage(error)}\n`);
        else response.destroy();
      });
      // The caller went away (a closed event stream): stop the upstream request too.
      response.on('close', () => upstream?.destroy());
      request.pipe(upstream);
    } catch (error) {
      upstream?.destroy();
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end(`cannot reach the cluster: ${errorMessage(error)}\n`);
    }
  }
}

/**
 * The runtime's HTTP server, first slice: liveness and readiness for the process supervisor,
 * Docker health checks and Kubernetes probes, and the one JSON error envelope for everything else.
 * Invocation, auth, policy and telemetry endpoints are added in the runtime issue.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DockSpec } from '../../src-shared/dockfile/types';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startHealthServer(spec: DockSpec, listen: { host: string; port: number }, clock: () => number = Date.now): Promise<RunningServer> {
  const startedAt = clock();
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://runtime.invalid');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, { error: 'method not allowed', code: 'MethodNotAllowed', detail: `${request.method} ${url.pathname}` });
    if (url.pathname === '/health') {
      return send(200, { status: 'ok', agent: spec.agent.name, version: spec.metadata.version ?? null, uptime_seconds: Math.floor((clock() - startedAt) / 1000) });
    }
    if (url.pathname === '/ready') return send(200, { ready: true });
    return send(404, { error: 'not found', code: 'NotFound', detail: url.pathname });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

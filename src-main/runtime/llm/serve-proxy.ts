/**
 * A minimal HTTP server for the proxy alone — the two paths routed to `LlmProxy.handle`, 404 for
 * the rest — for tests, the latency benchmark and the offline demo. The runtime itself mounts
 * `handle` on its main server instead.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LlmProxy } from './llm-proxy';

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

/** Serves `proxy` on `host` (loopback by default); resolves once it listens. */
export async function serveProxy(proxy: LlmProxy, listen: { host?: string; port?: number } = {}): Promise<RunningProxy> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    if (path === '/v1/chat/completions' || path === '/v1/messages') {
      proxy.handle(req, res, path).catch(() => res.destroy());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found', code: 'NotFound', detail: path }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

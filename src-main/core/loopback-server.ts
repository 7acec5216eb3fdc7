/**
 * Listening on 127.0.0.1 at a port the OS picks, and closing without waiting for idle keep-alive
 * connections: the Kubernetes API relay, the demo's stand-in services, the Docker target's port
 * choice and the tests' throwaway servers. Loopback because nothing they serve is meant for
 * another machine.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';

/** Starts `server` on 127.0.0.1 (a free port); resolves to the port. */
export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Stops `server` and drops its open connections (an HTTP server's idle keep-alives too). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') server.closeAllConnections();
  });
}

/**
 * A TCP port free on 127.0.0.1 right now: bound, then released. For a listener started elsewhere
 * (a container's published port), or a "cannot connect" case in a test.
 */
export async function allocateLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await closeServer(server);
  return port;
}

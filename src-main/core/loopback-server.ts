/**
 * Listening on 127.0.0.1 at a port the OS picks, and closing without waiting for idle keep-alive
 * connections: the demo's stand-in services and the tests' throwaway servers. Loopback because
 * nothing they serve is meant for another machine.
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

/** A loopback port nothing listens on: bound, then released (for "cannot connect" cases). */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await closeServer(server);
  return port;
}

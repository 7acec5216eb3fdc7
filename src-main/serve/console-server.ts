/**
 * `agentdock serve`: the renderer and the console contract for browsers (ARCHITECTURE.md §1, §3).
 * One node:http server: static files from out/renderer, and the WebSocket at SERVE_SOCKET_PATH
 * where each socket gets a ConsoleSession. It binds 127.0.0.1 unless told otherwise (STYLE.md §6).
 * The local user signs in with an admin token made here; the sign-in URL carries it in the
 * fragment, which browsers never send to a server, so it is in no request line and no log.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVE_SOCKET_PATH } from '../../src-shared/ipc/transport-constants';
import type { ConsoleHandlers } from '../core/console/handler-types';
import { generateConsoleToken } from '../core/store';
import type { ConsoleAccessRepository } from '../core/store';
import { ConsoleSockets } from './console-sockets';
import { ConsoleTokens } from './console-tokens';
import { createStaticHandler, plain } from './static-files';
import { hostAllowed, isLoopbackHost } from './upgrade-auth';

export interface ConsoleServerOptions {
  handlers: ConsoleHandlers;
  /** The built renderer (see findRendererDir). */
  rendererDir: string;
  /** The local user, signed in as admin with the generated token. */
  adminUser: string;
  /** Default 127.0.0.1. Anything else exposes the console to the network (the CLI warns). */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Sign-ins beyond the local user; without it only the admin token works. */
  accessTokens?: ConsoleAccessRepository;
  /** Tests pass a known token; normally one is generated. */
  adminToken?: string;
  revalidateIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** Where refusals and unexpected failures are written (default stderr). */
  log?: (line: string) => void;
}

export interface ConsoleServer {
  host: string;
  port: number;
  /** http://host:port — without a token. */
  origin: string;
  /** The local user's sign-in URL: origin + `/#token=…`. Print it; never log it elsewhere. */
  signInUrl: string;
  adminToken: string;
  /** Open console sockets. */
  readonly connections: number;
  /** Closes every socket (disposing its session), then the server. Idempotent. */
  close(): Promise<void>;
}

/** Listening failed; `code` is the system's (EADDRINUSE: the port is taken). */
export class ConsoleServerListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ConsoleServerListenError';
  }
}

/** Starts the server; resolves once it listens. */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const loopbackOnly = isLoopbackHost(host);
  const adminToken = options.adminToken ?? generateConsoleToken();
  const tokens = new ConsoleTokens({ adminUser: options.adminUser, adminToken, ...(options.accessTokens ? { access: options.accessTokens } : {}) });
  const sockets = new ConsoleSockets({
    handlers: options.handlers,
    tokens,
    loopbackOnly,
    log,
    ...(options.revalidateIntervalMs !== undefined ? { revalidateIntervalMs: options.revalidateIntervalMs } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
  });
  const serveStatic = createStaticHandler(options.rendererDir);

  const server = createServer((request, response) => {
    // DNS rebinding: a hostile name pointed at 127.0.0.1 must not get pages from here either.
    if (!hostAllowed(request.headers.host, loopbackOnly)) return plain(response, 403, 'Unknown Host: open the console at http://127.0.0.1:<port>/.');
    if (new URL(request.url ?? '/', 'http://serve.invalid').pathname === SERVE_SOCKET_PATH) return plain(response, 426, 'This is the console WebSocket.', { Upgrade: 'websocket' });
    serveStatic(request, response).catch((error: unknown) => {
      log(`serve: ${request.method} ${request.url}: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) plain(response, 500, 'Internal error.');
      else response.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => sockets.handleUpgrade(request, socket, head));
  // Browsers keep idle HTTP connections open; they must not hold close() up.
  server.keepAliveTimeout = 5000;

  await listen(server, host, options.port ?? 0).catch(async (error: unknown) => {
    await sockets.dispose();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${urlHost(host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    origin,
    signInUrl: `${origin}/#token=${adminToken}`,
    adminToken,
    get connections() {
      return sockets.size;
    },
    close() {
      closing ??= (async () => {
        await sockets.dispose();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${urlHost(host)}:${port}`;
      const message =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use (another agentdock serve?); choose another with --port, or --port 0 for any free port`
          : error.code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine; use --host 127.0.0.1 (the default)`
            : error.code === 'EACCES'
              ? `not allowed to listen on ${where} (ports below 1024 need privileges); choose another with --port`
              : `could not listen on ${where}: ${error.message}`;
      reject(new ConsoleServerListenError(message, error.code));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A host as it appears in a URL: IPv6 in brackets; an any-address is reached locally as 127.0.0.1. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

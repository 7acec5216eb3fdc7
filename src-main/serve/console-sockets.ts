/**
 * The console contract over WebSocket: one ConsoleSession per socket, with the principal its
 * token signed in, JSON text messages both ways. A socket's session is disposed when the socket
 * closes, so streams and running requests never outlive their browser tab. Two timers watch the
 * open sockets: a heartbeat ping drops sockets whose peer vanished without a close (a laptop lid,
 * a dropped network), and a re-check closes sockets whose access token was revoked.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES, SERVE_SOCKET_PATH } from '../../src-shared/ipc/transport-constants';
import type { ServerMessage } from '../../src-shared/ipc/protocol';
import { ConsoleSession } from '../core/console/console-session';
import type { ConsoleHandlers } from '../core/console/handler-types';
import { CLOSE_CODES } from './close-codes';
import type { Authenticated, ConsoleTokens } from './console-tokens';
import { authorizeUpgrade } from './upgrade-auth';

export interface ConsoleSocketsOptions {
  handlers: ConsoleHandlers;
  tokens: ConsoleTokens;
  /** Enforce loopback Host names (the server listens on loopback only). */
  loopbackOnly: boolean;
  /** How often open sockets' access tokens are re-checked, ms (default 2000). */
  revalidateIntervalMs?: number;
  /** Ping interval, ms; a socket that did not answer the previous ping is dropped (default 30 000). */
  heartbeatIntervalMs?: number;
  log: (line: string) => void;
}

/** Unsent bytes a socket may hold before its client is judged too slow (a tab in the background still reads). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

interface Connection {
  socket: WebSocket;
  session: ConsoleSession;
  auth: Authenticated;
  alive: boolean;
}

/** Owns the WebSocket endpoint and every connection on it. */
export class ConsoleSockets {
  private readonly server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    // Compression over attacker-influenced plus secret data invites CRIME-style leaks, and the
    // peers are on one machine or a LAN: not worth it.
    perMessageDeflate: false,
    // The browser fails the handshake unless one offered subprotocol is echoed: the token's
    // (it goes back only to the client that sent it).
    handleProtocols: (protocols) => [...protocols].find((protocol) => protocol.startsWith('agentdock.token.')) ?? false,
  });
  private readonly connections = new Set<Connection>();
  private readonly timers: NodeJS.Timeout[];
  private disposed = false;

  constructor(private readonly options: ConsoleSocketsOptions) {
    this.timers = [setInterval(() => this.heartbeat(), options.heartbeatIntervalMs ?? 30_000), setInterval(() => this.revalidate(), options.revalidateIntervalMs ?? 2000)];
    for (const timer of this.timers) timer.unref();
  }

  /** Open sockets (tests and shutdown use it). */
  get size(): number {
    return this.connections.size;
  }

  /** Handles an HTTP upgrade request: refused with a status before any WebSocket exists, or accepted. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    if (this.disposed) return refuse(socket, 503, 'The console is shutting down.');
    const pathname = new URL(request.url ?? '/', 'http://serve.invalid').pathname;
    if (pathname !== SERVE_SOCKET_PATH) return refuse(socket, 404, `No WebSocket here; the console's is ${SERVE_SOCKET_PATH}.`);
    let decision: ReturnType<typeof authorizeUpgrade>;
    try {
      decision = authorizeUpgrade(request, this.options.tokens, this.options.loopbackOnly);
    } catch (error) {
      // The token lookup reads the store; a busy or broken database must not crash the server.
      this.options.log(`serve: could not check a console token: ${error instanceof Error ? error.message : String(error)}`);
      return refuse(socket, 503, 'Could not check the session token right now; try again.');
    }
    if (!decision.ok) {
      this.options.log(`serve: refused a console connection (${decision.status}): ${decision.message}`);
      return refuse(socket, decision.status, decision.message);
    }
    this.server.handleUpgrade(request, socket, head, (webSocket) => this.attach(webSocket, decision.session));
  }

  /** Closes every socket (disposing its session) and stops the timers. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const timer of this.timers) clearInterval(timer);
    const closing = [...this.connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.session.dispose();
          if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.socket.close(CLOSE_CODES.goingAway, 'AgentDock serve is stopping.');
          // A peer that never answers the close frame must not hold shutdown up.
          setTimeout(() => connection.socket.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closing);
    this.server.close();
  }

  private attach(socket: WebSocket, auth: Authenticated): void {
    const connection: Connection = {
      socket,
      auth,
      alive: true,
      session: new ConsoleSession({
        handlers: this.options.handlers,
        principal: auth.principal,
        send: (message) => this.send(connection, message),
        log: this.options.log,
      }),
    };
    this.connections.add(connection);
    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('error', (error) => this.options.log(`serve: console socket of ${auth.principal.user}: ${error.message}`));
    socket.on('close', () => {
      connection.session.dispose();
      this.connections.delete(connection);
    });
    if (this.disposed) socket.close(CLOSE_CODES.goingAway, 'AgentDock serve is stopping.');
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.drop(connection, CLOSE_CODES.unsupportedData, 'The console speaks JSON text messages only.');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      this.options.log(`serve: dropped a message that is not JSON from ${connection.auth.principal.user}`);
      return;
    }
    connection.session.receive(message);
  }

  private send(connection: Connection, message: ServerMessage): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.drop(connection, CLOSE_CODES.tooSlow, 'The console fell too far behind; reload the page.');
      return;
    }
    socket.send(JSON.stringify(message));
  }

  /** Ends the session now (not when the peer answers the close frame) and closes the socket. */
  private drop(connection: Connection, code: number, reason: string): void {
    connection.session.dispose();
    connection.socket.close(code, reason);
  }

  private heartbeat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  private revalidate(): void {
    for (const connection of this.connections) {
      let valid: boolean;
      try {
        valid = this.options.tokens.stillValid(connection.auth);
      } catch (error) {
        // A busy or failing store is not a revocation: keep the socket, try again next tick.
        this.options.log(`serve: could not re-check a console token: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (!valid) this.drop(connection, CLOSE_CODES.tokenRevoked, 'Your console token was revoked.');
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** Answers an upgrade request with a plain HTTP error and closes the socket (no WebSocket is made). */
function refuse(socket: Duplex, status: number, message: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 401 ? 'WWW-Authenticate: AgentDockToken\r\n' : '') +
      `\r\n${body}`,
  );
}

/**
 * A ConsoleTransport over a `ws` client socket: how Node code (tests, scripts) talks to
 * `agentdock serve` with the same ConsoleClient the renderer uses. The browser's transport is
 * the renderer's own; this one exists so the server is tested through the real wire protocol.
 */
import WebSocket from 'ws';
import type { ConsoleTransport } from '../../src-shared/ipc/client';
import { SERVE_SOCKET_PATH, SERVE_TOKEN_PROTOCOL_PREFIX } from '../../src-shared/ipc/transport-constants';
import type { ServerMessage } from '../../src-shared/ipc/protocol';

/** An open socket and its transport; `socket` is exposed for tests that watch the close. */
export interface WsConsoleConnection {
  transport: ConsoleTransport;
  socket: WebSocket;
  close(): Promise<void>;
}

/** Opens a console socket to `origin` (http://host:port) with `token`; rejects with the HTTP status if refused. */
export function connectConsoleSocket(origin: string, token: string | undefined, options: { origin?: string } = {}): Promise<WsConsoleConnection> {
  const url = `${origin.replace(/^http/, 'ws')}${SERVE_SOCKET_PATH}`;
  const socket = new WebSocket(url, token === undefined ? [] : [`${SERVE_TOKEN_PROTOCOL_PREFIX}${token}`], options.origin !== undefined ? { origin: options.origin } : {});
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      reject(Object.assign(new Error(`console socket refused: HTTP ${response.statusCode}`), { status: response.statusCode }));
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({ transport: transportOf(socket), socket, close: () => closeSocket(socket) });
    });
  });
}

function transportOf(socket: WebSocket): ConsoleTransport {
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    onMessage(listener) {
      const handle = (data: WebSocket.RawData): void => listener(JSON.parse(data.toString()) as ServerMessage);
      socket.on('message', handle);
      return () => socket.off('message', handle);
    },
    onClose(listener) {
      const handle = (code: number, reason: Buffer): void => listener(`The console socket closed (${code}${reason.length > 0 ? `: ${reason.toString()}` : ''}).`);
      socket.on('close', handle);
      return () => socket.off('close', handle);
    },
  };
}

function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

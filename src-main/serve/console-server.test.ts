import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConsoleClient } from '../../src-shared/ipc/client';
import { MAX_CLIENT_MESSAGE_BYTES, SERVE_TOKEN_PROTOCOL_PREFIX } from '../../src-shared/ipc/transport-constants';
import { contentSecurityPolicy } from '../../src-shared/security/content-security-policy';
import { createConsoleHandlers } from '../core/console/handlers';
import type { ConsoleHandlers } from '../core/console/handler-types';
import { openControlPlane } from '../core/control-plane';
import type { ControlPlane } from '../core/control-plane';
import { CLOSE_CODES } from './close-codes';
import { ConsoleServerListenError, startConsoleServer } from './console-server';
import type { ConsoleServer } from './console-server';
import { makeRendererFixture, rawRequest } from './test-support';
import { connectConsoleSocket } from './ws-client-transport';
import type { WsConsoleConnection } from './ws-client-transport';

let fixture: ReturnType<typeof makeRendererFixture>;
let plane: ControlPlane;
let handlers: ReturnType<typeof createConsoleHandlers>;
let server: ConsoleServer;
/** fleet:changes subscriptions the real handler opened and that were disposed. */
const fleetStreams = { opened: 0, disposed: 0 };
const logged: string[] = [];
const open: WsConsoleConnection[] = [];

beforeAll(async () => {
  fixture = makeRendererFixture();
  plane = openControlPlane({ dataDir: path.join(fixture.dir, 'data'), env: {}, targets: { docker: undefined } });
  handlers = createConsoleHandlers(plane, { mode: 'serve', version: '9.9.9-test', log: (line) => logged.push(line) });
  // The real handlers, with the fleet stream counted (to prove a closed socket disposes what it held).
  const counted: ConsoleHandlers = {
    requests: handlers.requests,
    streams: {
      ...handlers.streams,
      'fleet:changes': async (input, context) => {
        const stream = await handlers.streams['fleet:changes'](input, context);
        fleetStreams.opened += 1;
        return { dispose: () => (fleetStreams.disposed++, stream.dispose()) };
      },
    },
  };
  server = await startConsoleServer({ handlers: counted, rendererDir: fixture.rendererDir, adminUser: 'ann', accessTokens: plane.repositories.consoleAccess, revalidateIntervalMs: 50, log: (line) => logged.push(line) });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
});

afterAll(async () => {
  await server.close();
  handlers.dispose();
  await plane.close();
  rmSync(fixture.dir, { recursive: true, force: true });
});

async function connect(token: string | undefined, origin: string | undefined = server.origin): Promise<WsConsoleConnection> {
  const connection = await connectConsoleSocket(server.origin, token, origin === undefined ? {} : { origin });
  open.push(connection);
  return connection;
}

const refusal = (promise: Promise<unknown>): Promise<number | undefined> =>
  promise.then(
    () => undefined,
    (error: { status?: number }) => error.status,
  );

describe('startConsoleServer', () => {
  it('listens on 127.0.0.1 and prints a sign-in URL with the token in the fragment only', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.signInUrl).toBe(`${server.origin}/#token=${server.adminToken}`);
    expect(server.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves the renderer with the strict CSP as a header', async () => {
    const page = await rawRequest(server.origin, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await rawRequest(server.origin, '/api/console')).status).toBe(426);
  });

  it('refuses pages and sockets for a Host that is not loopback (DNS rebinding)', async () => {
    expect((await rawRequest(server.origin, '/', { headers: { Host: `evil.example:${server.port}` } })).status).toBe(403);
  });

  it('refuses a socket without a token, with a wrong token, from another origin, or on another path', async () => {
    expect(await refusal(connect(undefined))).toBe(401);
    expect(await refusal(connect('A'.repeat(43)))).toBe(401);
    expect(await refusal(connect(`${server.adminToken}x`))).toBe(401);
    expect(await refusal(connect(server.adminToken, 'http://evil.example'))).toBe(403);
    expect(await refusal(connect(server.adminToken, `http://localhost:${server.port + 1}`))).toBe(403);
    const wrongPath = await rawRequest(server.origin, '/api/other', { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': `${SERVE_TOKEN_PROTOCOL_PREFIX}${server.adminToken}` } });
    expect(wrongPath.status).toBe(404);
    expect(server.connections).toBe(0);
    // The refusals are logged without the token.
    expect(logged.join('\n')).not.toContain(server.adminToken);
  });

  it('signs the local user in as admin: app:info over a real ConsoleClient', async () => {
    const client = new ConsoleClient((await connect(server.adminToken)).transport);
    const info = await client.request('app:info', {});
    expect(info).toEqual({ ok: true, value: expect.objectContaining({ name: 'AgentDock', version: '9.9.9-test', mode: 'serve', user: 'ann', role: 'admin', dataDir: plane.dataDir }) });
    expect(await client.request('agents:list', {})).toEqual({ ok: true, value: [] });
    // A client without an Origin header (not a browser) is admitted with the token.
    const bare = new ConsoleClient((await connect(server.adminToken, undefined)).transport);
    expect((await bare.request('app:info', {})).ok).toBe(true);
  });

  it('enforces a viewer token’s role in main: deploy:create is E3002', async () => {
    const { raw } = plane.repositories.consoleAccess.create({ name: 'bob', role: 'viewer', createdBy: 'ann' });
    const client = new ConsoleClient((await connect(raw)).transport);
    const info = await client.request('app:info', {});
    expect(info.ok && info.value).toMatchObject({ user: 'bob', role: 'viewer' });
    const deploy = await client.request('deploy:create', { projectDir: path.join(fixture.dir, 'project'), target: 'process' });
    expect(deploy).toEqual({ ok: false, error: expect.objectContaining({ code: 'E3002', name: 'Forbidden' }) });
    expect(deploy.ok ? '' : deploy.error.message).toContain('needs the developer role; bob is signed in as viewer');
    expect(plane.repositories.consoleAccess.list().find((token) => token.name === 'bob')?.lastUsedAt).toBeDefined();
  });

  it('closes the open sockets of a revoked token and refuses it from then on', async () => {
    const { token, raw } = plane.repositories.consoleAccess.create({ name: 'carol', role: 'developer', createdBy: 'ann' });
    const connection = await connect(raw);
    const client = new ConsoleClient(connection.transport);
    expect((await client.request('app:info', {})).ok).toBe(true);
    const closed = once(connection.socket, 'close') as Promise<[number, Buffer]>;
    plane.repositories.consoleAccess.revoke(token.id);
    const [code, reason] = await closed;
    expect(code).toBe(CLOSE_CODES.tokenRevoked);
    expect(reason.toString()).toContain('revoked');
    expect(await client.request('app:info', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'E3004' }) });
    expect(await refusal(connect(raw))).toBe(401);
  });

  it('disposes the session when its socket closes: the streams it held are disposed', async () => {
    const before = { ...fleetStreams };
    const connection = await connect(server.adminToken);
    const client = new ConsoleClient(connection.transport);
    client.subscribe('fleet:changes', {}, () => undefined);
    client.subscribe('fleet:changes', {}, () => undefined);
    // A request answered after the subscriptions proves main has opened them (one socket, in order).
    expect((await client.request('app:info', {})).ok).toBe(true);
    await waitFor(() => fleetStreams.opened === before.opened + 2);
    expect(server.connections).toBeGreaterThanOrEqual(1);
    await connection.close();
    await waitFor(() => fleetStreams.disposed === before.disposed + 2);
    await waitFor(() => server.connections === 0);
  });

  it('closes a socket that sends a binary frame', async () => {
    const connection = await connect(server.adminToken);
    const closed = once(connection.socket, 'close') as Promise<[number, Buffer]>;
    connection.socket.send(Buffer.from([1, 2, 3]));
    expect((await closed)[0]).toBe(CLOSE_CODES.unsupportedData);
  });

  it('closes a socket that sends more than MAX_CLIENT_MESSAGE_BYTES in one message', async () => {
    const connection = await connect(server.adminToken);
    const closed = once(connection.socket, 'close') as Promise<[number, Buffer]>;
    connection.socket.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    expect((await closed)[0]).toBe(1009);
  });

  it('says when the port is in use and suggests --port', async () => {
    const error = await startConsoleServer({ handlers, rendererDir: fixture.rendererDir, adminUser: 'ann', port: server.port }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConsoleServerListenError);
    expect(error).toMatchObject({ code: 'EADDRINUSE', message: expect.stringContaining('--port') });
  });
});

describe('heartbeat', () => {
  it('drops a socket whose peer stopped answering pings, and keeps one that answers', async () => {
    const own = await startConsoleServer({ handlers, rendererDir: fixture.rendererDir, adminUser: 'ann', heartbeatIntervalMs: 20 });
    try {
      const protocols = [`${SERVE_TOKEN_PROTOCOL_PREFIX}${own.adminToken}`];
      const url = `${own.origin.replace('http', 'ws')}/api/console`;
      const deaf = new WebSocket(url, protocols, { autoPong: false });
      const live = new WebSocket(url, protocols);
      await Promise.all([once(deaf, 'open'), once(live, 'open')]);
      const [code] = (await once(deaf, 'close')) as [number];
      expect(code).toBe(1006);
      expect(live.readyState).toBe(WebSocket.OPEN);
      live.close();
      await once(live, 'close');
    } finally {
      await own.close();
    }
  });
});

describe('close()', () => {
  it('closes open sockets (going away), disposes their sessions and stops listening', async () => {
    const own = await startConsoleServer({ handlers, rendererDir: fixture.rendererDir, adminUser: 'ann', port: 0 });
    const connection = await connectConsoleSocket(own.origin, own.adminToken);
    const closed = once(connection.socket, 'close') as Promise<[number, Buffer]>;
    await own.close();
    expect((await closed)[0]).toBe(CLOSE_CODES.goingAway);
    expect(own.connections).toBe(0);
    await own.close();
    expect(await portIsFree(own.port)).toBe(true);
  });
});

/** Resolves once `condition` holds (checked on each turn of the event loop; the test timeout bounds it). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}


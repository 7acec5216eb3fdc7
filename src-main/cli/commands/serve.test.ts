// `agentdock serve` in this process on a temp data dir: it prints a sign-in URL whose token works
// over the real WebSocket, stops cleanly when told to, says when the port is taken, warns about a
// network-facing host; `serve token` creates, lists and revokes console sign-ins, audited.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../../../src-shared/ipc/client';
import { openControlPlane } from '../../core/control-plane';
import { ensureRendererBuilt } from '../../serve/test-support';
import { connectConsoleSocket } from '../../serve/ws-client-transport';
import { capturedTerminal, cli } from '../test-support';
import { runServe } from './serve';

let root: string;
const saved = { home: process.env.AGENTDOCK_HOME, actor: process.env.AGENTDOCK_ACTOR };

beforeAll(() => {
  // `agentdock serve` refuses to start without a built console.
  ensureRendererBuilt();
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-serve-cli-'));
  process.env.AGENTDOCK_HOME = path.join(root, 'data');
  process.env.AGENTDOCK_ACTOR = 'ann';
}, 600_000);

afterAll(() => {
  for (const [name, value] of [
    ['AGENTDOCK_HOME', saved.home],
    ['AGENTDOCK_ACTOR', saved.actor],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

/** Starts `agentdock serve …` in this process; `stop()` ends it like Ctrl-C and resolves to the exit code. */
function startServe(args: string[]) {
  const terminal = capturedTerminal();
  let interrupt!: () => void;
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  const exit = runServe(args, terminal, () => interrupted);
  return {
    terminal,
    exit,
    /** The first stdout line, once printed (or the exit code, if the command ended first). */
    firstLine: () =>
      Promise.race([
        exit,
        (async () => {
          while (terminal.stdout.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
          return terminal.stdout[0] as string;
        })(),
      ]),
    stop: () => (interrupt(), exit),
  };
}

describe('agentdock serve token', () => {
  it('creates a token shown once, lists it without the token, revokes it; each change audited', async () => {
    const created = await cli(['serve', 'token', 'create', '--role', 'viewer', '--name', 'bob', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { id, token, role, name } = JSON.parse(created.stdout) as { id: string; token: string; role: string; name: string };
    expect({ role, name }).toEqual({ role: 'viewer', name: 'bob' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = await cli(['serve', 'token', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(token);
    expect((JSON.parse(listed.stdout) as { tokens: { id: string; role: string }[] }).tokens).toEqual([expect.objectContaining({ id, name: 'bob', role: 'viewer', createdBy: 'ann' })]);
    const human = await cli(['serve', 'token', 'list']);
    expect(human.stdout).toMatch(/ID\s+NAME\s+ROLE/);

    const revoked = await cli(['serve', 'token', 'revoke', id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${id} (bob)`);
    expect(JSON.parse((await cli(['serve', 'token', 'list', '--json'])).stdout)).toEqual({ ok: true, tokens: [] });

    const plane = openControlPlane({ env: process.env, targets: { docker: undefined } });
    try {
      const audit = plane.repositories.audit.list({ target: `console-token:${id}` });
      expect(audit.map((entry) => entry.action).sort()).toEqual(['console-token:create', 'console-token:revoke']);
      expect(audit.every((entry) => entry.actor === 'ann' && entry.success && !JSON.stringify(entry).includes(token))).toBe(true);
    } finally {
      await plane.close();
    }
  });

  it('refuses a missing or unknown role, a missing name and an unknown id with what to do', async () => {
    expect(await cli(['serve', 'token', 'create', '--name', 'bob'])).toMatchObject({ code: 2, stderr: expect.stringContaining('admin, developer or viewer') });
    expect(await cli(['serve', 'token', 'create', '--role', 'root', '--name', 'bob'])).toMatchObject({ code: 2 });
    expect(await cli(['serve', 'token', 'create', '--role', 'viewer'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--name') });
    expect(await cli(['serve', 'token', 'revoke', 'cat_nope'])).toMatchObject({ code: 1, stderr: expect.stringContaining('agentdock serve token list') });
    expect(await cli(['serve', 'token', 'rename'])).toMatchObject({ code: 2 });
  });
});

describe('agentdock serve', () => {
  it('prints a sign-in URL whose admin token works over the WebSocket, and stops cleanly', async () => {
    const serve = startServe(['--port', '0', '--json']);
    const line = await serve.firstLine();
    expect(typeof line, serve.terminal.stderr.join('\n')).toBe('string');
    const printed = JSON.parse(line as string) as { url: string; origin: string; port: number; user: string; role: string };
    expect(printed).toMatchObject({ ok: true, user: 'ann', role: 'admin' });
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(printed.url).hash.slice('#token='.length);

    const connection = await connectConsoleSocket(printed.origin, token, { origin: printed.origin });
    const client = new ConsoleClient(connection.transport);
    const info = await client.request('app:info', {});
    expect(info.ok && info.value).toMatchObject({ mode: 'serve', user: 'ann', role: 'admin', dataDir: path.join(root, 'data') });

    const closed = new Promise<number>((resolve) => connection.socket.once('close', (code) => resolve(code)));
    expect(await serve.stop()).toBe(0);
    expect(await closed).toBe(1001);
    expect(await portIsFree(printed.port)).toBe(true);
  });

  it('says the port is in use and suggests --port', async () => {
    const blocker = await listening();
    try {
      const port = (blocker.address() as AddressInfo).port;
      const serve = startServe(['--port', String(port)]);
      expect(await serve.exit).toBe(1);
      expect(serve.terminal.stderr.join('\n')).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
    } finally {
      blocker.close();
    }
  });

  it('warns that a non-loopback host exposes the console without TLS', async () => {
    const serve = startServe(['--host', '0.0.0.0', '--port', '0']);
    expect(typeof (await serve.firstLine())).toBe('string');
    expect(serve.terminal.stderr.join('\n')).toMatch(/reachable from the network.*clear text/);
    expect(await serve.stop()).toBe(0);
  });

  it('rejects a bad port as a usage error and shows help', async () => {
    expect(await cli(['serve', '--port', 'many'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port must be') });
    expect(await cli(['serve', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('agentdock serve token create --role viewer --name bob') });
  });
});

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

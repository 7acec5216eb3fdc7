import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthGate } from './auth-gate';
import { createAuthSnapshot } from './auth-snapshot';
import { Authenticator } from './authenticator';
import { signJwt } from './jwt';
import { requiredPermission } from './permissions';
import { RateLimiter } from './rate-limiter';
import { issueKey, specWithAuth, TEST_SECRET } from './test-support';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback server doing what the HTTP layer does with the gate: the real headers, the real statuses. */
async function serve(gate: ReturnType<typeof createAuthGate>): Promise<string> {
  const statuses = { Unauthorized: 401, Forbidden: 403, TokenExpired: 498, KeyRevoked: 499, RateLimited: 429 } as const;
  const server = createServer((req, res) => {
    const permission = requiredPermission(new URL(req.url ?? '/', 'http://x').pathname);
    const refuse = (refusal: { error: keyof typeof statuses; message: string; headers?: Record<string, string> }): void => {
      res.writeHead(statuses[refusal.error], { 'content-type': 'application/json', ...refusal.headers });
      res.end(JSON.stringify({ error: refusal.error, code: statuses[refusal.error], detail: refusal.message }));
    };
    if (permission === null || permission === undefined) return res.end('public');
    const who = gate.authenticate(req.headersDistinct);
    if (!who.ok) return refuse(who);
    const allowed = gate.authorize(who.principal, permission);
    if (!allowed.ok) return refuse(allowed);
    const limited = gate.rateLimit(who.principal);
    if (!limited.ok) return refuse(limited);
    res.writeHead(200, limited.headers);
    res.end('ok');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('auth gate over HTTP', () => {
  const developer = issueKey('key-dev', 'developer');
  const viewer = issueKey('key-view', 'viewer');
  const spec = specWithAuth({ mode: 'jwt', jwt: { secret_key: TEST_SECRET }, api_keys: { enabled: true }, rate_limits: { developer: '2/m' } });
  const snapshot = createAuthSnapshot(spec, { keys: { keys: [developer.record, viewer.record] }, secrets: {} });

  it('answers 429 with Retry-After once a role spends its allowance', async () => {
    let now = 1_000_000;
    const gate = createAuthGate(new Authenticator(() => snapshot, () => now), new RateLimiter(spec.auth.rate_limits, { clock: () => now }));
    const url = await serve(gate);
    const call = () => fetch(`${url}/invoke`, { headers: { 'x-api-key': developer.raw } });
    const first = await call();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toEqual({ error: 'RateLimited', code: 429, detail: "role 'developer' is limited to 2 requests per minute; retry in 30 s" });
    now += 30_000;
    expect((await call()).status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate, 403 naming the permission, and refuses duplicate Authorization headers', async () => {
    const gate = createAuthGate(new Authenticator(() => snapshot), new RateLimiter(spec.auth.rate_limits));
    const url = await serve(gate);
    const missing = await fetch(`${url}/invoke`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="agentdock"');
    const forbidden = await fetch(`${url}/invoke`, { headers: { 'x-api-key': viewer.raw } });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { detail: string }).detail).toBe("role 'viewer' lacks permission 'invoke'");
    expect((await fetch(`${url}/metrics`, { headers: { 'x-api-key': viewer.raw } })).status).toBe(200);
    expect(await (await fetch(`${url}/health`)).text()).toBe('public');

    // fetch merges repeated headers, so write two Authorization lines on a raw socket. The first
    // is valid: a server reading request.headers (first wins) would let it through.
    const valid = signJwt({ sub: 'ada', role: 'admin' }, TEST_SECRET, { expiresInSeconds: 600 });
    const raw = async (lines: string[]): Promise<string> => {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
      socket.end(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`);
      let text = '';
      for await (const chunk of socket) text += String(chunk);
      return text.split('\r\n')[0] ?? '';
    };
    expect(await raw([`Authorization: Bearer ${valid}`])).toBe('HTTP/1.1 200 OK');
    const status = await raw([`Authorization: Bearer ${valid}`, 'Authorization: Bearer x.y.z']);
    expect(status).toBe('HTTP/1.1 401 Unauthorized');
  });
});

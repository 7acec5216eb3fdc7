import { rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src-shared/security/content-security-policy';
import { createStaticHandler, resolveInside } from './static-files';
import { makeRendererFixture, rawRequest, SECRET_OUTSIDE } from './test-support';

let fixture: ReturnType<typeof makeRendererFixture>;
let server: Server;
let origin: string;

beforeAll(async () => {
  fixture = makeRendererFixture();
  symlinkSync(path.join(fixture.dir, 'secret.txt'), path.join(fixture.rendererDir, 'assets', 'linked.txt'));
  const handler = createStaticHandler(fixture.rendererDir);
  server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(fixture.dir, { recursive: true, force: true });
});

describe('static renderer files', () => {
  it('serves index.html with the strict CSP and the other security headers, revalidated', async () => {
    const response = await rawRequest(origin, '/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>AgentDock</title>');
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    expect(response.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(response.headers['content-security-policy']).toContain("script-src 'self';");
  });

  it('serves hashed assets with their types, cacheable for good', async () => {
    const script = await rawRequest(origin, '/assets/index-Bq3x9Z.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await rawRequest(origin, '/assets/index-Cc81aa.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await rawRequest(origin, '/favicon.svg?v=2');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers client-side routes with index.html and missing files with 404', async () => {
    const route = await rawRequest(origin, '/agents/doc-summarizer/versions');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="root">');
    const missing = await rawRequest(origin, '/assets/index-old.js');
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain('<div id="root">');
    // No icon in the build: "no content" rather than a 404 the browser logs as an error.
    expect((await rawRequest(origin, '/favicon.ico')).status).toBe(204);
  });

  it('refuses every path that leaves the root, however it is spelled', async () => {
    for (const rawPath of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..\\secret.txt', '/%2e%2e%5csecret.txt']) {
      const response = await rawRequest(origin, rawPath);
      expect(response.body, rawPath).not.toContain(SECRET_OUTSIDE);
      expect([400, 403, 404], rawPath).toContain(response.status);
    }
    expect((await rawRequest(origin, '/..%2fsecret.txt')).status).toBe(403);
    // A symlink inside the root that points out of it is not followed.
    const linked = await rawRequest(origin, '/assets/linked.txt');
    expect(linked.status).toBe(404);
    expect(linked.body).not.toContain(SECRET_OUTSIDE);
    expect((await rawRequest(origin, '/%00index.html')).status).toBe(400);
    expect((await rawRequest(origin, '/.env')).status).toBe(403);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await rawRequest(origin, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await rawRequest(origin, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('resolveInside', () => {
  it('keeps paths inside the root and flags the rest', () => {
    expect(resolveInside('/srv/app', '/assets/a.js')).toBe('/srv/app/assets/a.js');
    expect(resolveInside('/srv/app', '/')).toBe('/srv/app');
    expect(resolveInside('/srv/app', '/..%2f..%2fetc%2fpasswd')).toBe('outside');
    // The URL parser removes dot segments itself; encoded slashes are what reach the resolver.
    expect(resolveInside('/srv/app', '/%2e%2e/x')).toBe('/srv/app/x');
    // A sibling whose name starts with the root's is still outside.
    expect(resolveInside('/srv/app', '/..%2fapp-other/x')).toBe('outside');
    expect(resolveInside('/srv/app', '/%E0%A4%A')).toBe('bad');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from './health-server';
import type { RunningServer } from './health-server';
import { loadRuntimeConfig, RuntimeConfigError } from './runtime-config';

const servers: RunningServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const spec = {
  version: '1.0',
  agent: { name: 'probe-agent', entrypoint: 'app:run', framework: 'langgraph' },
  model: { provider: 'openai', name: 'gpt-4o-mini' },
  io_schema: { input: { type: 'object' }, output: { type: 'object' } },
  auth: { mode: 'api_key', api_keys: { enabled: true } },
  expose: { rest: true },
  metadata: { version: '1.2.0' },
};

function bundle(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-runtime-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'spec.json'), content);
  return dir;
}

describe('runtime config bundle', () => {
  it('loads a frozen spec and fills its defaults', async () => {
    const config = await loadRuntimeConfig(bundle(JSON.stringify(spec)));
    expect(config.spec.expose.port).toBe(8080);
    expect(config.spec.agent.name).toBe('probe-agent');
  });

  it('refuses a bundle that is not a valid spec, saying where', async () => {
    const broken = { ...spec, expose: { rest: 'yes' } };
    await expect(loadRuntimeConfig(bundle(JSON.stringify(broken)))).rejects.toThrow(/\/expose\/rest must be boolean/);
    await expect(loadRuntimeConfig(bundle('{'))).rejects.toBeInstanceOf(RuntimeConfigError);
  });
});

describe('health server', () => {
  it('answers /health, /ready and a JSON 404 on loopback', async () => {
    const { spec: frozen } = await loadRuntimeConfig(bundle(JSON.stringify(spec)));
    let now = 1_000_000;
    const server = await startHealthServer(frozen, { host: '127.0.0.1', port: 0 }, () => now);
    servers.push(server);
    now += 61_000;
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', agent: 'probe-agent', version: '1.2.0', uptime_seconds: 61 });
    expect(await (await fetch(`${server.url}/ready`)).json()).toEqual({ ready: true });
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found', code: 'NotFound', detail: '/nope' });
    expect((await fetch(`${server.url}/health`, { method: 'POST' })).status).toBe(405);
  });
});

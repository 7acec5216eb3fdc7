// Smoke tests of the built bundles, run by `npm test` after the build: the `agentdock` command
// (bin/agentdock.js → out/cli/agentdock.js) and the runtime (out/runtime/agentdock-runtime.js)
// must work as they are shipped, outside the test runner.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'agentdock.js');
const agentdock = (args, cwd) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('--version prints the package version', () => {
  const { version } = JSON.parse(execFileSync(process.execPath, ['-p', `JSON.stringify(require(${JSON.stringify(join(root, 'package.json'))}))`], { encoding: 'utf8' }));
  const result = agentdock(['--version'], root);
  assert.equal(result.status, 0);
  assert.equal(result.stdout.trim(), version);
});

test('init then validate, from the bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-smoke-'));
  try {
    assert.equal(agentdock(['init', 'demo-agent', '--language', 'typescript'], dir).status, 0);
    const result = agentdock(['validate', 'demo-agent'], dir);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^✓ Validated successfully: demo-agent\/Dockfile\.yaml — agent demo-agent \(langgraph, typescript\)$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundled CLI opens the control plane (SQLite store) and reports no agents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-smoke-'));
  try {
    const result = spawnSync(process.execPath, [bin, 'status', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, AGENTDOCK_HOME: join(dir, 'data') } });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { ok: true, agents: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundled CLI deploys, operates and deletes an agent on the process target, as a CI job would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-smoke-'));
  const env = { ...process.env, NO_COLOR: '1', AGENTDOCK_HOME: join(dir, 'data'), AGENTDOCK_MASTER_KEY: 'smoke-test-passphrase-0123456789' };
  const run = (args) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env, timeout: 120_000 });
  try {
    assert.equal(run(['init', 'smoke-agent', '--language', 'typescript']).status, 0);
    // A plain agent, so the deploy needs no model provider.
    writeFileSync(join(dir, 'smoke-agent', 'src', 'agent.ts'), 'export async function graph(input: { question: string }) { return { answer: `ok: ${input.question}` }; }\n');
    const deployed = run(['deploy', 'smoke-agent', '--json']);
    assert.equal(deployed.status, 0, deployed.stdout + deployed.stderr);
    const result = JSON.parse(deployed.stdout);
    assert.equal(result.version, 'v1');
    assert.match(result.endpoints[0], /^http:\/\/127\.0\.0\.1:\d+$/);
    const stopped = run(['stop', 'smoke-agent']);
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, /✓ stopped smoke-agent v1 on process/);
    assert.equal(run(['start', 'smoke-agent']).status, 0);
    assert.equal(JSON.parse(run(['status', 'smoke-agent', '--json']).stdout).agents[0].health, 'healthy');
    assert.match(run(['logs', 'smoke-agent', '--tail', '50']).stdout, /runtime listening/);
    assert.equal(run(['delete', 'smoke-agent']).status, 0);
  } finally {
    run(['delete', 'smoke-agent']);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an invalid Dockfile exits 1 with file:line:col lines; usage errors exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-smoke-'));
  try {
    cpSync(join(root, 'src-shared/dockfile/testdata/full'), dir, { recursive: true });
    const invalid = agentdock(['validate', '--json'], dir);
    assert.equal(invalid.status, 1);
    assert.equal(JSON.parse(invalid.stdout).errorCount, 3);
    const human = agentdock(['validate'], dir);
    assert.match(human.stdout, /^Dockfile\.yaml:28:17 error 4001 EnvInterpolationError auth\.jwt\.secret_key: \$\{JWT_SECRET\} is not set/m);
    assert.equal(agentdock(['validate', '--nope'], dir).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runtime bundle serves an agent from a config bundle and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-smoke-'));
  const agentDir = join(dir, 'agent');
  mkdirSync(agentDir);
  writeFileSync(join(agentDir, 'agent.mjs'), 'export async function run(input) { return { echo: input.text.toUpperCase() }; }\n');
  const spec = {
    version: '1.0',
    agent: { name: 'smoke-agent', entrypoint: 'agent.mjs:run', framework: 'langgraph' },
    model: { provider: 'openai', name: 'gpt-4o-mini' },
    io_schema: { input: { type: 'object', properties: { text: { type: 'string' } } }, output: { type: 'object' } },
    auth: { mode: 'api_key', api_keys: { enabled: true } },
    expose: { rest: true },
  };
  const rawKey = 'adk_' + 'S'.repeat(32);
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  writeFileSync(join(dir, 'runtime.json'), JSON.stringify({ agentVersion: 'v1', projectDir: agentDir, language: 'javascript', provider: { mode: 'simulated' } }));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: [{ id: 'k1', hash: createHash('sha256').update(rawKey).digest('hex'), role: 'developer' }] }));
  const runtime = spawn(process.execPath, [join(root, 'out/runtime/agentdock-runtime.js')], {
    env: { ...process.env, AGENTDOCK_CONFIG_DIR: dir, AGENTDOCK_HOST: '127.0.0.1', AGENTDOCK_PORT: '0', AGENTDOCK_DRAIN_MS: '1000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let output = '';
    let url;
    while (!url) {
      const [chunk] = await once(runtime.stdout, 'data');
      output += String(chunk);
      url = output.split('\n').map((line) => { try { return JSON.parse(line); } catch { return {}; } }).find((line) => line.msg === 'runtime listening')?.url;
    }
    for (let i = 0; i < 100 && (await fetch(`${url}/ready`)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const health = await (await fetch(`${url}/health`)).json();
    assert.equal(health.status, 'healthy');
    const invoked = await fetch(`${url}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': rawKey }, body: JSON.stringify({ text: 'hello' }) });
    assert.deepEqual(await invoked.json(), { echo: 'HELLO' });
    const docs = await fetch(`${url}/docs/swagger-ui-bundle.js`);
    assert.equal(docs.status, 200);
    runtime.kill('SIGTERM');
    const [code] = await once(runtime, 'exit');
    assert.equal(code, 0);
  } finally {
    runtime.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

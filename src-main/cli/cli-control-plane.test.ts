// The control-plane commands as a CI job would run them: init → key → secret → deploy → status →
// versions → rollback → audit, against a real data directory, the real vault and real processes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../core/control-plane';
import { deleteDeploymentsAndClose } from '../core/control-plane-test-support';
import { runSecret } from './commands/secret';
import { capturedTerminal, cli, setEnv } from './test-support';

let home: string;
let restoreEnv: () => void = () => undefined;

beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-cli-cp-'));
  restoreEnv = setEnv({ AGENTDOCK_HOME: path.join(home, 'data'), AGENTDOCK_MASTER_KEY: 'test-only-master-passphrase-0123456789' });
});

afterAll(async () => {
  await deleteDeploymentsAndClose(openControlPlane());
  restoreEnv();
  rmSync(home, { recursive: true, force: true });
});

describe('agentdock deploy / status / versions / rollback', () => {
  const project = () => path.join(home, 'notes-agent');

  it('deploys a scaffolded project with progress lines and a ✓ line', async () => {
    expect((await cli(['init', project(), '--language', 'typescript'])).code).toBe(0);
    // A plain JS agent, so the test needs no model provider: the scaffold's graph calls one.
    writeFileSync(path.join(project(), 'src', 'agent.ts'), 'export async function graph(input: { question: string }) { return { answer: `v1: ${input.question}` }; }\n');
    const result = await cli(['deploy', project(), '--timeout', '60']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] validating {3}/m);
    expect(result.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] health_gate /m);
    expect(result.stdout).toMatch(/^✓ notes-agent v1 is active in [\d.]+ s — http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('creates a key shown once, which the running agent accepts at once, and v2 too', async () => {
    const created = await cli(['key', 'create', 'notes-agent', '--role', 'developer', '--json']);
    const { key, rollout } = JSON.parse(created.stdout) as { key: string; rollout: { reloaded: boolean }[] };
    expect(key).toMatch(/^adk_/);
    expect(rollout).toEqual([expect.objectContaining({ agent: 'notes-agent', reloaded: true })]);
    const listed = await cli(['key', 'list', 'notes-agent', '--json']);
    expect(listed.stdout).not.toContain(key);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { agents: { endpoint: string }[] };
    const v1 = await fetch(`${status.agents[0]!.endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ question: 'hi' }) });
    expect(await v1.json()).toEqual({ answer: 'v1: hi' });
    writeFileSync(path.join(project(), 'src', 'agent.ts'), 'export async function graph(input: { question: string }) { return { answer: `v2: ${input.question}` }; }\n');
    const deployed = JSON.parse((await cli(['deploy', project(), '--json'])).stdout) as { version: string; endpoints: string[] };
    expect(deployed.version).toBe('v2');
    const response = await fetch(`${deployed.endpoints[0]}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ question: 'hi' }) });
    expect(await response.json()).toEqual({ answer: 'v2: hi' });
  });

  it('status and versions show the active version; rollback brings v1 back', async () => {
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { agents: { agent: string; version: string; health: string }[] };
    expect(status.agents).toEqual([expect.objectContaining({ agent: 'notes-agent', version: 'v2', health: 'healthy' })]);
    const versions = await cli(['versions', 'notes-agent']);
    expect(versions.stdout.split('\n')[0]).toMatch(/^VERSION\s+ACTIVE\s+CREATED/);
    expect(versions.stdout).toMatch(/^v2\s+●/m);
    const rolledBack = await cli(['rollback', 'notes-agent', 'v1']);
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toMatch(/✓ notes-agent v1 is active \(was v2\)/);
  });

  it('a missing agent is exit 1 with its error code; bad flags are exit 2', async () => {
    const missing = await cli(['rollback', 'nobody', 'v1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^agentdock rollback: E2004 AgentNotFound: No agent named nobody/);
    expect((await cli(['deploy', '--target', 'mars'])).code).toBe(2);
  });
});

describe('agentdock secret and audit', () => {
  it('stores a secret from stdin, lists it masked, and never prints it without --reveal', async () => {
    const value = 'sk-proj-fake-abcdefghijklmnopqrstuvwxyz0123456789';
    const terminal = capturedTerminal();
    expect(await runSecret(['set', 'OPENAI_API_KEY'], terminal, Readable.from([value]))).toBe(0);
    expect(terminal.stdout.join('\n')).not.toContain(value);
    const list = await cli(['secret', 'list']);
    expect(list.stdout).toMatch(/OPENAI_API_KEY\s+dev\s+sk-proj-f\.\.\.789/);
    expect((await cli(['secret', 'get', 'OPENAI_API_KEY'])).stdout).not.toContain(value);
    expect((await cli(['secret', 'get', 'OPENAI_API_KEY', '--reveal'])).stdout).toBe(value);
  });

  it('a wrong master key is a clear E2032 and decrypts nothing', async () => {
    process.env.AGENTDOCK_MASTER_KEY = 'a-different-passphrase-entirely';
    const result = await cli(['secret', 'get', 'OPENAI_API_KEY', '--reveal']);
    process.env.AGENTDOCK_MASTER_KEY = 'test-only-master-passphrase-0123456789';
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/E2032 WrongMasterKey/);
    expect(result.stdout).not.toContain('sk-proj');
  });

  it('the audit log records deploys, rollbacks and key actions', async () => {
    const audit = JSON.parse((await cli(['audit', '--json'])).stdout) as { entries: { action: string; success: boolean }[] };
    const actions = audit.entries.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['deploy:create', 'deploy:rollback', 'key:create']));
  });
});

describe('agentdock logs / stop / start / suspend / resume / restart / delete', () => {
  it('logs prints the tail with a replica prefix and exits 0', async () => {
    const logs = await cli(['logs', 'notes-agent', '--tail', '20']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^\S+ \| .*runtime listening/m);
    const json = await cli(['logs', 'notes-agent', '--tail', '5', '--json']);
    const first = JSON.parse(json.stdout.split('\n')[0]!) as { replica: string; stream: string; version: string };
    expect(first).toMatchObject({ stream: expect.stringMatching(/^std(out|err)$/), version: 'v1' });
  });

  it('stop, suspend and their inverses show in status; every change is audited', async () => {
    const health = async (): Promise<string> => (JSON.parse((await cli(['status', 'notes-agent', '--json'])).stdout) as { agents: { health: string }[] }).agents[0]!.health;
    expect((await cli(['stop', 'notes-agent'])).stdout).toMatch(/^✓ stopped notes-agent v1 on process$/m);
    expect(await health()).toBe('stopped');
    expect((await cli(['start', 'notes-agent'])).code).toBe(0);
    expect(await health()).toBe('healthy');
    expect((await cli(['suspend', 'notes-agent'])).code).toBe(0);
    expect(await health()).toBe('suspended');
    expect((await cli(['resume', 'notes-agent'])).code).toBe(0);
    expect((await cli(['restart', 'notes-agent', '--json'])).stdout).toContain('"action": "restart"');
    expect(await health()).toBe('healthy');
    const audit = JSON.parse((await cli(['audit', '--json'])).stdout) as { entries: { action: string }[] };
    expect(audit.entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['agent:stop', 'agent:start', 'agent:suspend', 'agent:resume', 'agent:restart']));
  });

  it('delete removes the deployment, keeps the versions; nothing left to stop is exit 1 with what to do', async () => {
    expect((await cli(['delete', 'notes-agent'])).stdout).toMatch(/^✓ deleted notes-agent v1 on process$/m);
    expect((JSON.parse((await cli(['status', '--json'])).stdout) as { agents: { health: string }[] }).agents[0]!.health).toBe('stopped');
    expect((await cli(['versions', 'notes-agent'])).stdout).toMatch(/^v2\s/m);
    const again = await cli(['stop', 'notes-agent']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/E2023 LifecycleInvalid: notes-agent has no active deployment to stop; deploy it with agentdock deploy/);
    expect((await cli(['stop'])).code).toBe(2);
    expect((await cli(['stop', 'notes-agent', '--target', 'mars'])).code).toBe(2);
  });
});

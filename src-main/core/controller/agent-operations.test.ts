// Operating a deployed agent on the process target with real runtime processes, real SQLite and
// the real vault: keys and provider keys rotate into running replicas without a restart; stop,
// start, suspend, resume, restart and delete do what they say; logs end when read without follow.
import { readFileSync } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRuntimeDir } from '../build/runtime-dir';
import { CoreError } from '../contracts';
import type { LogLine } from '../contracts';
import { createRepositories, openDatabase } from '../store';
import type { Repositories, StoreDatabase } from '../store';
import { ProcessTarget } from '../targets/process/process-target';
import { ensureRuntimeBuilt, waitFor } from '../targets/process/process-test-support';
import { generateMasterKey, StaticKeyProvider, Vault } from '../vault';
import { AgentOperations } from './agent-operations';
import { DeployController } from './deploy-controller';
import { deploymentConfigDir } from './deployment-config';

const DOCKFILE = `version: "1.0"
agent: { name: ops-agent, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string } } }
  output: { type: object }
auth:
  mode: api_key
  api_keys: { enabled: true }
  roles: [{ name: developer, permissions: [invoke] }]
expose: { rest: true, host: 127.0.0.1 }
`;

// `llm` calls the model through the runtime's proxy (which spends the provider key); anything else echoes.
const AGENT = `export async function run(input) {
  if (input.text === 'llm') {
    const response = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = await response.json();
    return { reply: body.choices?.[0]?.message?.content ?? 'status ' + response.status, pid: process.pid };
  }
  return { reply: 'echo ' + input.text, pid: process.pid };
}
`;

let home: string;
let db: StoreDatabase;
let repos: Repositories;
let vault: Vault;
let target: ProcessTarget;
let controller: DeployController;
let operations: AgentOperations;
let upstream: Server;
let upstreamUrl: string;
const providerKeysSeen: string[] = [];
let endpoint: string;
let agentId: string;
const admin = { actor: 'ops-test', role: 'admin' };

async function invoke(key: string, text = 'hi'): Promise<{ status: number; body: { reply?: string; pid?: number } }> {
  const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ text }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as { reply?: string; pid?: number } };
}

/** Linux process state letter of a pid (`T` = stopped by a signal). */
function processStateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

async function replicaPid(): Promise<number> {
  const deployment = repos.deployments.active(agentId, 'process');
  const status = await target.status(deployment!.id);
  return Number(status!.replicas[0]!.handle);
}

beforeAll(async () => {
  ensureRuntimeBuilt();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-ops-'));
  const project = path.join(home, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'Dockfile.yaml'), DOCKFILE);
  writeFileSync(path.join(project, 'agent.mjs'), AGENT);
  // The model provider the runtime forwards to: records which provider key each call spent.
  upstream = createServer((req, res) => {
    providerKeysSeen.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'from upstream' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;

  db = openDatabase(path.join(home, 'agentdock.db'));
  repos = createRepositories(db);
  vault = new Vault(db, new StaticKeyProvider(generateMasterKey()));
  target = new ProcessTarget({ stateDir: path.join(home, 'process'), stopGraceMs: 3000 });
  controller = new DeployController({ repositories: repos, vault, targets: { process: target }, dataDir: home, runtimeDir: findRuntimeDir(), runtimeVersion: 'test' });
  operations = new AgentOperations({ repositories: repos, targets: { process: target }, dataDir: home, vault: () => vault });
  agentId = repos.agents.getOrCreate('ops-agent').agent.id;
  await vault.set('OPENAI_API_KEY', 'sk-first-provider-key-000000000000', { environment: 'dev', agentId, actor: 'test', role: 'admin' });
  const result = await controller.deploy(project, { target: 'process', actor: 'test', provider: { mode: 'forward', openaiBaseUrl: upstreamUrl }, healthTimeoutMs: 60_000 });
  endpoint = result.endpoints[0]!;
}, 90_000);

afterAll(async () => {
  for (const deployment of repos?.deployments.list() ?? []) await target?.delete(deployment.id).catch(() => undefined);
  await target?.dispose();
  db?.close();
  await new Promise((resolve) => upstream?.close(resolve));
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('rotation reaches running replicas without a restart', () => {
  it('a key created after the deploy works at once; revoked, it is refused at once', async () => {
    const pid = await replicaPid();
    const { key, raw } = repos.apiKeys.create({ agentId, role: 'developer', createdBy: 'test' });
    expect((await invoke(raw)).status).toBe(401);
    const rollout = await operations.rolloutConfig('keys', { agentId }, admin);
    expect(rollout).toEqual([expect.objectContaining({ agent: 'ops-agent', target: 'process', reloaded: true })]);
    await waitFor('the new key to be accepted', async () => (await invoke(raw)).status === 200);
    expect((await invoke(raw)).body.pid).toBe(pid);
    repos.apiKeys.revoke(key.id);
    await operations.rolloutConfig('keys', { agentId }, admin);
    await waitFor('the revoked key to be refused', async () => (await invoke(raw)).status === 499);
    expect(await replicaPid()).toBe(pid);
  });

  it('a rotated provider key is the one the next model call spends; the control token survives', async () => {
    const { raw } = repos.apiKeys.create({ agentId, role: 'developer', createdBy: 'test' });
    await operations.rolloutConfig('keys', { agentId }, admin);
    await waitFor('the key', async () => (await invoke(raw)).status === 200);
    const configDir = deploymentConfigDir(home, repos.deployments.active(agentId, 'process')!.id);
    const tokenBefore = (JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')) as { controlToken: string }).controlToken;
    expect((await invoke(raw, 'llm')).body.reply).toBe('from upstream');
    expect(providerKeysSeen.at(-1)).toBe('Bearer sk-first-provider-key-000000000000');

    await vault.rotate('OPENAI_API_KEY', 'sk-second-provider-key-11111111111', { environment: 'dev', agentId, actor: 'test', role: 'admin' });
    await operations.rolloutConfig('secrets', { agentId }, admin);
    await waitFor('the rotated provider key to be spent', async () => {
      await invoke(raw, 'llm');
      return providerKeysSeen.at(-1) === 'Bearer sk-second-provider-key-11111111111';
    });
    const secrets = JSON.parse(readFileSync(path.join(configDir, 'secrets.json'), 'utf8')) as { controlToken: string };
    expect(secrets.controlToken).toBe(tokenBefore);
    const audit = repos.audit.list({ limit: 50 }).map((entry) => entry.action);
    expect(audit).toEqual(expect.arrayContaining(['keys:rollout', 'secrets:rollout']));
  });
});

describe('lifecycle', () => {
  let key: string;
  beforeAll(async () => {
    key = repos.apiKeys.create({ agentId, role: 'developer', createdBy: 'test' }).raw;
    await operations.rolloutConfig('keys', { agentId }, admin);
    await waitFor('the key', async () => (await invoke(key)).status === 200);
  });

  it('suspend freezes the replica (SIGSTOP) and resume lets it answer again', async () => {
    const pid = await replicaPid();
    const [outcome] = await operations.lifecycle('ops-agent', 'suspend', admin);
    expect(outcome).toMatchObject({ agent: 'ops-agent', version: 'v1', target: 'process', action: 'suspend' });
    // A signal is delivered asynchronously: the state shows it a moment later.
    await waitFor('the replica to be stopped by SIGSTOP', () => processStateOf(pid) === 'T');
    await operations.lifecycle('ops-agent', 'resume', admin);
    await waitFor('the replica to continue', () => processStateOf(pid) !== 'T');
    expect((await invoke(key)).body).toEqual({ reply: 'echo hi', pid });
  });

  it('restart replaces the process; stop ends it and start brings the agent back', async () => {
    const before = await replicaPid();
    await operations.lifecycle('ops-agent', 'restart', admin);
    const restarted = await replicaPid();
    expect(restarted).not.toBe(before);
    await operations.lifecycle('ops-agent', 'stop', admin);
    const stopped = await target.status(repos.deployments.active(agentId, 'process')!.id);
    expect(stopped?.replicas.map((replica) => replica.state)).toEqual(['stopped']);
    await expect(fetch(`${endpoint}/health`)).rejects.toThrow();
    await operations.lifecycle('ops-agent', 'start', admin);
    const started = await target.status(repos.deployments.active(agentId, 'process')!.id);
    endpoint = started!.replicas[0]!.endpoint!;
    await waitFor('the agent to answer after start', async () => (await invoke(key)).status === 200);
  });

  it('logs without follow deliver the tail and then end', async () => {
    const lines: LogLine[] = [];
    const ended = await new Promise<Error | undefined>((resolve) => operations.logs('ops-agent', { tail: 50, onEnd: resolve }, (line) => lines.push(line)));
    expect(ended).toBeUndefined();
    expect(lines.some((line) => line.line.includes('runtime listening'))).toBe(true);
    expect(lines.every((line) => line.replica && (line.stream === 'stdout' || line.stream === 'stderr'))).toBe(true);
  });

  it('only admins change running agents, and unknown agents are a clear E2004', async () => {
    await expect(operations.lifecycle('ops-agent', 'stop', { actor: 'eve', role: 'viewer' })).rejects.toMatchObject({ code: 'E2040' });
    await expect(operations.lifecycle('nobody', 'stop', admin)).rejects.toMatchObject({ code: 'E2004' });
    const denied = repos.audit.list({ limit: 50 }).find((entry) => entry.action === 'agent:stop' && entry.actor === 'eve');
    expect(denied).toMatchObject({ success: false, role: 'viewer' });
  });

  it('delete removes the replicas and the config, keeps the versions, and a second delete says nothing is deployed', async () => {
    const deployment = repos.deployments.active(agentId, 'process')!;
    const pid = await replicaPid();
    await operations.lifecycle('ops-agent', 'delete', admin);
    expect(repos.deployments.get(deployment.id)?.status).toBe('deleted');
    await waitFor('the replica process to exit', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    expect(() => readFileSync(path.join(deploymentConfigDir(home, deployment.id), 'secrets.json'))).toThrow();
    expect(repos.versions.list(agentId).map((version) => version.label)).toEqual(['v1']);
    const again = await operations.lifecycle('ops-agent', 'delete', admin).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(CoreError);
    expect((again as CoreError).code).toBe('E2023');
  });
});

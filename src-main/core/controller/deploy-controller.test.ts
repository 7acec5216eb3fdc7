// The deploy controller end to end on the process target, with real SQLite, the real vault, real
// runtime processes: deploy → invoke → deploy v2 → rollback → invoke the old version; a version
// that never gets ready is rolled back automatically; an idempotency key makes one version.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../contracts';
import { createRepositories, openDatabase } from '../store';
import type { Repositories, StoreDatabase } from '../store';
import { ProcessTarget } from '../targets/process/process-target';
import { ensureRuntimeBuilt } from '../targets/process/process-test-support';
import { generateMasterKey, StaticKeyProvider, Vault } from '../vault';
import { DeployController } from './deploy-controller';
import type { DeployStep } from './deploy-controller';

let home: string;
let db: StoreDatabase;
let repos: Repositories;
let target: ProcessTarget;
let controller: DeployController;
let project: string;
let apiKey: string;

const DOCKFILE = `version: "1.0"
agent: { name: echo-agent, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
policies: { safety: { max_output_chars: 1000 } }
auth:
  mode: jwt
  jwt: { secret_key: "\${JWT_SECRET}" }
  api_keys: { enabled: true }
  roles: [{ name: developer, permissions: [invoke] }]
expose: { rest: true, host: 127.0.0.1 }
`;

function writeAgent(reply: string): void {
  writeFileSync(path.join(project, 'agent.mjs'), `export async function run(input) { return { reply: ${JSON.stringify(reply)} + ' ' + input.text }; }\n`);
}

async function invoke(endpoint: string): Promise<unknown> {
  const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ text: 'hi' }) });
  return response.json();
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-controller-'));
  project = path.join(home, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'Dockfile.yaml'), DOCKFILE);
  writeAgent('v1 says');
  db = openDatabase(path.join(home, 'agentdock.db'));
  repos = createRepositories(db);
  const vault = new Vault(db, new StaticKeyProvider(generateMasterKey()));
  target = new ProcessTarget({ stateDir: path.join(home, 'process'), stopGraceMs: 3000 });
  controller = new DeployController({ repositories: repos, vault, targets: { process: target }, dataDir: home, runtimeDir: ensureRuntimeBuilt(), runtimeVersion: 'test' });
  const { agent } = repos.agents.getOrCreate('echo-agent');
  apiKey = repos.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
}, 60_000);

afterAll(async () => {
  for (const deployment of repos?.deployments.list() ?? []) await target?.delete(deployment.id).catch(() => undefined);
  await target?.dispose();
  db?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('DeployController on the process target', () => {
  const env = { JWT_SECRET: 'test-only-jwt-secret-0123456789' };

  it('deploys, health-gates and serves the first version, stepping through every stage', async () => {
    const steps: DeployStep[] = [];
    const result = await controller.deploy(project, { target: 'process', actor: 'tester', env, onStep: (step) => steps.push(step) });
    expect(result).toMatchObject({ agent: 'echo-agent', version: 'v1', versionCreated: true, replicas: 1 });
    expect(steps.map((step) => step.step)).toEqual(['validating', 'building', 'registering', 'starting', 'health_gate', 'switching', 'active']);
    expect(await invoke(result.endpoints[0]!)).toEqual({ reply: 'v1 says hi' });
    // The config bundle's secrets file is private, and the database holds no interpolated secret.
    const deploymentDir = path.join(home, 'deployments', result.deploymentId, 'config');
    expect(statSync(path.join(deploymentDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    db.checkpoint?.();
    expect(readFileSync(path.join(home, 'agentdock.db')).includes(Buffer.from(env.JWT_SECRET))).toBe(false);
  });

  it('deploys a changed agent as v2 (blue/green) and stops v1', async () => {
    const before = await controller.status('echo-agent', 'process');
    writeAgent('v2 says');
    const result = await controller.deploy(project, { target: 'process', actor: 'tester', env });
    expect(result).toMatchObject({ version: 'v2', previousVersion: 'v1', versionCreated: true });
    expect(await invoke(result.endpoints[0]!)).toEqual({ reply: 'v2 says hi' });
    expect(await target.status(before!.deployment.id)).toBeUndefined();
    expect(repos.deployments.get(before!.deployment.id)?.status).toBe('superseded');
  });

  it('rolls back to v1 with one call, and v1 answers again', async () => {
    const result = await controller.rollback('echo-agent', 'v1', { target: 'process', actor: 'tester' });
    expect(result).toMatchObject({ version: 'v1', previousVersion: 'v2', versionCreated: false });
    expect(await invoke(result.endpoints[0]!)).toEqual({ reply: 'v1 says hi' });
    expect(repos.audit.list({ action: 'deploy:rollback' })).toHaveLength(1);
  });

  it('same source again makes no new version; an idempotency key replays the first result', async () => {
    writeAgent('v1 says');
    const first = await controller.deploy(project, { target: 'process', actor: 'tester', env, idempotencyKey: 'ci-run-42' });
    expect(first).toMatchObject({ version: 'v1', versionCreated: false, reusedBuild: true });
    const again = await controller.deploy(project, { target: 'process', actor: 'tester', env, idempotencyKey: 'ci-run-42' });
    expect(again).toEqual(first);
    expect(repos.versions.list(repos.agents.findByName('echo-agent')!.id)).toHaveLength(2);
  });

  it('a version that never gets ready fails the health gate and the old one keeps serving (E2010)', async () => {
    const active = await controller.status('echo-agent', 'process');
    writeFileSync(path.join(project, 'agent.mjs'), 'await new Promise(() => {}); export async function run() {}\n');
    const error = await controller.deploy(project, { target: 'process', actor: 'tester', env, healthTimeoutMs: 1500 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E2010');
    expect((error as CoreError).message).toMatch(/Rolled back: v1 is still active/);
    const still = await controller.status('echo-agent', 'process');
    expect(still?.deployment.id).toBe(active?.deployment.id);
    expect(await invoke(still!.deployment.endpoint!)).toEqual({ reply: 'v1 says hi' });
    writeAgent('v1 says');
  });

  it('a version whose agent cannot load fails at once with the reason, and the old one keeps serving', async () => {
    const active = await controller.status('echo-agent', 'process');
    writeFileSync(path.join(project, 'agent.mjs'), "import 'crm-client-not-installed';\nexport async function run() {}\n");
    // A health timeout longer than this test's own: only a gate that stops at the first answer passes.
    const error = (await controller.deploy(project, { target: 'process', actor: 'tester', env, healthTimeoutMs: 600_000 }).catch((caught: unknown) => caught)) as CoreError;
    expect(error).toBeInstanceOf(CoreError);
    expect(error.code).toBe('E2010');
    expect(error.message).toMatch(/^echo-agent v\d+ did not start: the agent failed to load: .*crm-client-not-installed.*\. Fix the agent's code or dependencies, then deploy again\. Rolled back: v1 is still active\.$/);
    const still = await controller.status('echo-agent', 'process');
    expect(still?.deployment.id).toBe(active?.deployment.id);
    expect(await invoke(still!.deployment.endpoint!)).toEqual({ reply: 'v1 says hi' });
    writeAgent('v1 says');
  });

  it('refuses an invalid Dockfile with E2001 before building anything', async () => {
    const broken = path.join(home, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'Dockfile.yaml'), DOCKFILE.replace('framework: langgraph', 'framework: crewai'));
    const error = (await controller.deploy(broken, { target: 'process', actor: 'tester', env }).catch((caught: unknown) => caught)) as CoreError;
    expect(error.code).toBe('E2001');
    expect(error.message).toMatch(/run agentdock validate/);
  });
});

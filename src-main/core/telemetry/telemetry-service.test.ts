// Telemetry end to end: agents deployed by the real DeployController on the process target (real
// runtime processes, real SQLite), invoked over HTTP with API keys; the service follows their
// /events and /metrics. Proves events and rollups land, a killed replica's successor is picked up
// without duplicates or losses, a console restart catches up, a wrong token is a logged error,
// and the service follows the fleet as deployments come and go.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRuntimeDir } from '../build/runtime-dir';
import { DeployController } from '../controller/deploy-controller';
import { createRepositories, openDatabase } from '../store';
import type { Repositories, StoreDatabase } from '../store';
import { ProcessTarget } from '../targets/process/process-target';
import { ensureRuntimeBuilt, waitFor } from '../targets/process/process-test-support';
import { generateMasterKey, StaticKeyProvider, Vault } from '../vault';
import type { TelemetryLogEntry } from './telemetry-log';
import { TelemetryService } from './telemetry-service';
import type { TelemetryServiceOptions } from './telemetry-service';

const JWT = { JWT_SECRET: 'test-only-jwt-secret-0123456789' };
let home: string;
let db: StoreDatabase;
let repos: Repositories;
let target: ProcessTarget;
let controller: DeployController;
const keys = new Map<string, string>();
const services: TelemetryService[] = [];

const dockfile = (name: string): string => `version: "1.0"
agent: { name: ${name}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
auth:
  mode: jwt
  jwt: { secret_key: "\${JWT_SECRET}" }
  api_keys: { enabled: true }
  roles: [{ name: developer, permissions: [invoke] }]
expose: { rest: true, host: 127.0.0.1 }
`;

// One model call through the runtime's LLM proxy (simulated provider): real tokens and cost.
const AGENT = `export async function run(input) {
  if (input.text === 'fail') throw new Error('asked to fail');
  const response = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: input.text }] }),
  });
  const body = await response.json();
  return { reply: String(body.choices?.[0]?.message?.content ?? '') };
}
`;

async function deploy(name: string, budgetUsd?: number): Promise<{ deploymentId: string; endpoint: string; agentId: string }> {
  const project = path.join(home, 'projects', name);
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, 'Dockfile.yaml'), dockfile(name));
  writeFileSync(path.join(project, 'agent.mjs'), AGENT);
  const { agent } = repos.agents.getOrCreate(name);
  if (!keys.has(name)) keys.set(name, repos.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw);
  const result = await controller.deploy(project, { target: 'process', actor: 'tester', env: JWT, ...(budgetUsd !== undefined ? { budgetUsd } : {}) });
  return { deploymentId: result.deploymentId, endpoint: result.endpoints[0]!, agentId: agent.id };
}

async function invoke(name: string, endpoint: string, text = 'hello'): Promise<number> {
  const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys.get(name)! }, body: JSON.stringify({ text }) });
  await response.arrayBuffer();
  return response.status;
}

function service(options: Partial<TelemetryServiceOptions> = {}): TelemetryService {
  const created = new TelemetryService({
    repositories: repos,
    targets: { process: target },
    dataDir: home,
    pollIntervalMs: 200,
    scrapeIntervalMs: 200,
    batch: { maxDelayMs: 20 },
    backoff: { baseMs: 50, maxMs: 400, jitter: 0.2 },
    log: () => undefined,
    ...options,
  });
  services.push(created);
  return created;
}

const runEnds = (agentId: string) => repos.telemetry.events(agentId, { types: ['run_end'], limit: 10_000 });
const window = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

beforeAll(() => {
  ensureRuntimeBuilt();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-telemetry-'));
  db = openDatabase(path.join(home, 'agentdock.db'));
  repos = createRepositories(db);
  target = new ProcessTarget({ stateDir: path.join(home, 'process'), stopGraceMs: 3000 });
  controller = new DeployController({ repositories: repos, vault: new Vault(db, new StaticKeyProvider(generateMasterKey())), targets: { process: target }, dataDir: home, runtimeDir: findRuntimeDir(), runtimeVersion: 'test' });
}, 60_000);

afterEach(async () => {
  await Promise.all(services.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  for (const deployment of repos?.deployments.list() ?? []) await target?.delete(deployment.id).catch(() => undefined);
  await target?.dispose();
  db?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('TelemetryService with deployed runtimes', () => {
  let alpha: { deploymentId: string; endpoint: string; agentId: string };

  it('stores the runtime events and the right rollups, with spend, budget and cost per unit', async () => {
    alpha = await deploy('alpha-agent', 5);
    const telemetry = service();
    telemetry.start();
    for (let index = 0; index < 4; index++) expect(await invoke('alpha-agent', alpha.endpoint)).toBe(200);
    expect(await invoke('alpha-agent', alpha.endpoint, 'fail')).toBe(502);
    await waitFor('5 run_end events in SQLite', () => runEnds(alpha.agentId).length === 5);
    const types = new Set(repos.telemetry.events(alpha.agentId, { limit: 10_000 }).map((event) => event.type));
    expect([...types]).toEqual(expect.arrayContaining(['run_start', 'run_end', 'llm_call']));
    const stored = runEnds(alpha.agentId);
    expect(stored[0]!.source).toMatch(new RegExp(`^${alpha.deploymentId}/replica-0@\\d{4}-\\d\\d-\\d\\dT`));
    const summary = repos.telemetry.summarize(alpha.agentId, window());
    const costs = stored.reduce((total, event) => total + Number(event.data.costUsd), 0);
    expect(summary).toMatchObject({ requests: 5, errors: 1, errorRate: 0.2 });
    expect(summary.costUsd).toBeCloseTo(costs, 12);
    expect(summary.costUsd).toBeGreaterThan(0);
    expect(summary.tokensIn).toBe(stored.reduce((total, event) => total + Number(event.data.tokensIn), 0));
    // The budget gauges come from /metrics: 4 model calls spent what the run_end events say.
    await waitFor('a scrape after the last call', () => Math.abs(telemetry.budget(alpha.agentId).spentUsd - costs) < 1e-12);
    const [metrics] = telemetry.metrics(window(), { agentIds: [alpha.agentId] });
    expect(metrics).toMatchObject({ agent: 'alpha-agent', requests: 5, errors: 1, budget: { limitUsd: 5, replicas: 1, source: 'runtime' } });
    expect(metrics!.budget.spentUsd).toBeCloseTo(costs, 9);
    expect(metrics!.budget.percent).toBeCloseTo((costs / 5) * 100, 6);
    expect(metrics!.costPerRequestUsd).toBeCloseTo(costs / 5, 12);
    expect(metrics!.costPer1kTokensUsd).toBeCloseTo((costs / (summary.tokensIn + summary.tokensOut)) * 1000, 12);
    expect(metrics!.p50Ms).toBeGreaterThan(0);
    expect(metrics!.projection.budgetExhaustedAt).not.toBeNull();
    expect(telemetry.stats()).toMatchObject({ lost: 0, dropped: 0 });
    // The key that made the runs is "last used" at the last run's start (the console's Keys tab shows it).
    const [key] = repos.apiKeys.list(alpha.agentId);
    const lastStart = repos.telemetry.events(alpha.agentId, { types: ['run_start'], limit: 10_000 }).at(-1)!;
    expect(lastStart.data.subject).toBe(key!.id);
    expect(key!.lastUsedAt).toBe(lastStart.time);
  }, 60_000);

  it('a killed replica comes back as a new process: ingest resumes with no duplicates and no losses', async () => {
    const telemetry = service();
    telemetry.start();
    const before = runEnds(alpha.agentId).length;
    for (let index = 0; index < 3; index++) await invoke('alpha-agent', alpha.endpoint);
    await waitFor('the 3 runs', () => runEnds(alpha.agentId).length === before + 3);
    const status = await target.status(alpha.deploymentId);
    const old = status!.replicas[0]!;
    process.kill(Number(old.handle), 'SIGKILL');
    const restarted = await waitFor('the restarted replica', async () => {
      const replica = (await target.status(alpha.deploymentId))?.replicas[0];
      return replica?.state === 'running' && replica.endpoint && replica.startedAt !== old.startedAt ? replica : undefined;
    });
    for (let index = 0; index < 4; index++) expect(await invoke('alpha-agent', restarted.endpoint!)).toBe(200);
    await waitFor('the 4 runs of the new process', () => runEnds(alpha.agentId).length === before + 7);
    const events = runEnds(alpha.agentId);
    expect(new Set(events.map((event) => event.traceId)).size).toBe(events.length);
    expect(new Set(events.map((event) => event.source)).size).toBe(2);
    expect(repos.telemetry.summarize(alpha.agentId, window()).requests).toBe(events.length);
    await waitFor('the old subscription dropped', () => telemetry.stats().subscriptions.length === 1 && telemetry.stats().subscriptions[0]!.source.endsWith(restarted.startedAt!));
    expect(telemetry.stats().lost).toBe(0);
    alpha.endpoint = restarted.endpoint!;
  }, 60_000);

  it('a console that was closed catches up with sync(): what the runtime buffered, once', async () => {
    const before = runEnds(alpha.agentId).length;
    for (let index = 0; index < 2; index++) await invoke('alpha-agent', alpha.endpoint);
    const report = await service().sync({ timeoutMs: 10_000 });
    expect(report).toMatchObject({ replicas: 1, lost: 0, dropped: 0, problems: [] });
    expect(report.inserted).toBeGreaterThanOrEqual(2 * 3); // run_start, llm_call, run_end (+ logs) per run
    expect(runEnds(alpha.agentId)).toHaveLength(before + 2);
    const again = await service().sync({ timeoutMs: 10_000 });
    expect(again).toMatchObject({ inserted: 0, duplicates: 0 });
  }, 60_000);

  it('a wrong control token is a clear logged error, not a crash', async () => {
    const logs: TelemetryLogEntry[] = [];
    const telemetry = service({ controlToken: () => Promise.resolve('not-the-token'), log: (entry) => logs.push(entry) });
    telemetry.start();
    await waitFor('the refusal', () => logs.some((entry) => entry.level === 'error' && /refused the control token \(401/.test(entry.message)));
    await waitFor('the failed scrape', () => telemetry.scrapes().some((scrape) => !scrape.ok && /401/.test(scrape.error ?? '')));
    expect(telemetry.stats().subscriptions[0]).toMatchObject({ state: 'unauthorized' });
    const report = await service({ controlToken: () => Promise.resolve(undefined), log: () => undefined }).sync({ timeoutMs: 2000 });
    expect(report.problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/no control token for deployment/) })]);
  }, 60_000);

  it('follows the fleet: picks up a new deployment and drops a deleted one', async () => {
    const beta = await deploy('beta-agent');
    const telemetry = service({ pollIntervalMs: 60_000 });
    telemetry.start();
    await telemetry.refresh();
    const followed = (): string[] => telemetry.stats().subscriptions.map((subscription) => subscription.source.split('/')[0]!).sort();
    expect(followed()).toEqual([alpha.deploymentId, beta.deploymentId].sort());
    const gamma = await deploy('gamma-agent');
    await telemetry.refresh();
    expect(followed()).toEqual([alpha.deploymentId, beta.deploymentId, gamma.deploymentId].sort());
    await invoke('gamma-agent', gamma.endpoint);
    await waitFor('gamma run stored', () => runEnds(gamma.agentId).length === 1);
    await target.delete(alpha.deploymentId);
    repos.deployments.update(alpha.deploymentId, { status: 'deleted' });
    await telemetry.refresh();
    expect(followed()).toEqual([beta.deploymentId, gamma.deploymentId].sort());
    const fleet = telemetry.metrics(window());
    expect(fleet.map((metrics) => metrics.agent)).toEqual(['alpha-agent', 'beta-agent', 'gamma-agent']);
    expect(fleet.find((metrics) => metrics.agent === 'gamma-agent')).toMatchObject({ requests: 1 });
    await telemetry.close();
    expect(telemetry.stats().subscriptions).toEqual([]);
  }, 90_000);
});

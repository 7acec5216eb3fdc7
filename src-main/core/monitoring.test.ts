// Background monitoring of real deployments: health transitions become notifications, and an
// agent over its budget raises the budget alerts — in the app and through a webhook — once. The
// alert tick is an hour long, so a budget alert that appears came from the runtime's budget event.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from './control-plane';
import type { ControlPlane } from './control-plane';
import { BudgetOverrides } from './controller/budget-overrides';
import { startMonitoring } from './monitoring';
import { ensureRuntimeBuilt, waitFor } from './targets/process/process-test-support';
import { generateMasterKey, StaticKeyProvider } from './vault';

const dockfile = (name: string): string => `version: "1.0"
agent: { name: ${name}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string } } }
  output: { type: object }
auth: { mode: api_key, api_keys: { enabled: true }, roles: [{ name: developer, permissions: [invoke] }] }
expose: { rest: true, host: 127.0.0.1 }
`;
// One small model call per request through the runtime's proxy (simulated provider): real tokens,
// real cost; max_tokens keeps the proxy's pre-call estimate small, so spend can approach the limit.
const AGENT = `export async function run(input) {
  const response = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: input.text }] }),
  });
  return { status: response.status };
}
`;

let home: string;
let plane: ControlPlane;
let receiver: Server;
let receiverUrl: string;
const webhooks: { text: string }[] = [];
let monitoring: ReturnType<typeof startMonitoring>;
let endpoint: string;
let key: string;

beforeAll(async () => {
  ensureRuntimeBuilt();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-monitoring-'));
  const project = path.join(home, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'Dockfile.yaml'), dockfile('watched-agent'));
  writeFileSync(path.join(project, 'agent.mjs'), AGENT);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      webhooks.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  plane = openControlPlane({ dataDir: path.join(home, 'data'), env: {}, keyProvider: new StaticKeyProvider(generateMasterKey()) });
  const { agent } = plane.repositories.agents.getOrCreate('watched-agent');
  key = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
  await plane.alerts().channels.addWebhook('ops', receiverUrl, { createdBy: 'test' });
  // A budget one model call exceeds.
  const result = await plane.controller().deploy(project, { target: 'process', actor: 'test', budgetUsd: 0.0001, healthTimeoutMs: 60_000 });
  endpoint = result.endpoints[0]!;
  monitoring = startMonitoring(plane, { healthIntervalMs: 60_000, alertIntervalMs: 3_600_000 });
  await monitoring.checkHealth(); // the baseline: healthy, not a transition
}, 90_000);

afterAll(async () => {
  monitoring?.dispose();
  for (const deployment of plane?.repositories.deployments.list() ?? []) await plane.targets.process?.delete(deployment.id).catch(() => undefined);
  await plane?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('startMonitoring', () => {
  it('reports health transitions, not the baseline', async () => {
    const notifications = plane.alerts().notifications;
    expect(notifications.list({}).filter((n) => n.source === 'health')).toEqual([]);
    await plane.operations().lifecycle('watched-agent', 'stop', { actor: 'test' });
    await monitoring.checkHealth();
    await plane.operations().lifecycle('watched-agent', 'start', { actor: 'test' });
    await monitoring.checkHealth();
    const health = notifications.list({}).filter((n) => n.source === 'health').map((n) => n.title);
    expect(health.sort()).toEqual(['watched-agent is healthy', 'watched-agent is stopped']);
    endpoint = (await plane.targets.process!.status(plane.repositories.deployments.list({ states: ['active'] })[0]!.id))!.replicas[0]!.endpoint!;
  });

  it('an agent over its budget raises the budget-exceeded alert in the app and on the webhook, once', async () => {
    // Spend until the runtime's budget refuses the next model call (402 from its proxy).
    const statuses: number[] = [];
    while (statuses.at(-1) !== 402 && statuses.length < 200) {
      const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ text: 'spend' }) });
      statuses.push(((await response.json()) as { status: number }).status);
    }
    expect(statuses.at(-1)).toBe(402);
    const telemetry = plane.telemetry();
    const agentId = plane.repositories.agents.require('watched-agent').id;
    await waitFor('the spend to be scraped', async () => {
      await telemetry.refresh();
      await telemetry.scrapeNow();
      return telemetry.budget(agentId).spentUsd > 0;
    });
    // The refusal's budget event ran the rules: no tick and no checkAlerts yet.
    const notifications = plane.alerts().notifications;
    await waitFor('the alert from the runtime\'s budget event', () => notifications.list({}).some((n) => n.source === 'alert:budget_exceeded'));
    // A burst of refused calls is a burst of budget events: still one alert.
    const refusals = () => plane.repositories.telemetry.events(agentId, { types: ['budget'], limit: 1000 }).filter((event) => event.data.level === 'blocked').length;
    const before = refusals();
    const burst = await Promise.all(Array.from({ length: 6 }, () => fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ text: 'spend' }) }).then(async (response) => ((await response.json()) as { status: number }).status)));
    expect(burst).toEqual(Array.from({ length: 6 }, () => 402));
    await waitFor('the burst of refusals to be stored', () => refusals() >= before + 6);
    // Runs one at a time: this one ends after every run those events asked for.
    await monitoring.checkAlerts();
    await monitoring.checkAlerts(); // still over: no second alert
    const alerts = notifications.list({}).filter((n) => n.source !== 'health');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', agentName: 'watched-agent' });
    await waitFor('the webhook delivery', () => webhooks.length >= 1);
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]!.text).toMatch(/watched-agent/);
  });

  it('a budget warning from the runtime is an alert in the app and on the webhook at once, not at the next tick', async () => {
    // Room for a model call, then the limit lowered so that call's spend is 95 % of it: the
    // runtime's budget emits its warning (budget.ts) and nothing else crosses a threshold.
    const project = path.join(home, 'lead-project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'Dockfile.yaml'), dockfile('lead-agent'));
    writeFileSync(path.join(project, 'agent.mjs'), AGENT);
    const { agent } = plane.repositories.agents.getOrCreate('lead-agent');
    const leadKey = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
    const deployed = await plane.controller().deploy(project, { target: 'process', actor: 'test', budgetUsd: 1, healthTimeoutMs: 60_000 });
    await plane.telemetry().refresh();
    const response = await fetch(`${deployed.endpoints[0]!}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': leadKey }, body: JSON.stringify({ text: 'one lead' }) });
    expect(((await response.json()) as { status: number }).status).toBe(200);
    const call = await waitFor('the model call to be stored', () => plane.repositories.telemetry.events(agent.id, { types: ['llm_call'], limit: 10 })[0]);
    const spentUsd = call.data.costUsd as number;
    expect(spentUsd).toBeGreaterThan(0);
    const alertsBefore = webhooks.length;

    await new BudgetOverrides({ db: plane.db, repositories: plane.repositories, targets: plane.targets, dataDir: plane.dataDir }).raise('lead-agent', spentUsd / 0.95, { actor: 'test' });

    const notifications = plane.alerts().notifications;
    const warning = await waitFor('the budget warning notification', () => notifications.list({}).find((n) => n.agentName === 'lead-agent' && n.source.startsWith('alert:')));
    expect(warning).toMatchObject({ source: 'alert:budget_warning', severity: 'warning', data: { action: 'increase_budget' } });
    await waitFor('the webhook delivery', () => webhooks.length > alertsBefore);
    expect(webhooks.slice(alertsBefore).map((hook) => hook.text.split('\n')[0])).toEqual(['⚠️ [WARNING] lead-agent: 90% of the budget used']);
    // What the runtime reported is what the rules read: the tick (run now by hand) sees the same and stays quiet.
    await monitoring.checkAlerts();
    expect(notifications.list({}).filter((n) => n.agentName === 'lead-agent' && n.source.startsWith('alert:'))).toHaveLength(1);
    expect(webhooks).toHaveLength(alertsBefore + 1);
  });
});

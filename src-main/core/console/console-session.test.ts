// The console contract end to end on the main side: a real ConsoleClient talking JSON to a real
// ConsoleSession over the real handlers and a real control plane (process target, real runtime
// processes). Proves the envelope, validation, roles, cancellation, disposal, deploy progress,
// the playground, keys reaching running replicas, secrets masking, and live events.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployProgress, FleetChange, LiveEvent } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import { connect, openConsoleTestPlane, waitFor, writeTestAgentProject } from './test-support';
import type { ConsoleTestPlane } from './test-support';

const AGENT = 'console-echo';
let fixture: ConsoleTestPlane;
let projectDir: string;
let plane: ControlPlane;
let handlers: ConsoleTestPlane['handlers'];

function writeProject(reply: string): void {
  writeTestAgentProject(projectDir, {
    dockfile: `version: "1.0"
agent: { name: ${AGENT}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
auth:
  mode: api_key
  api_keys: { enabled: true }
  roles: [{ name: developer, permissions: [invoke] }]
expose: { rest: true, host: 127.0.0.1 }
`,
    module: `export async function run(input) { return { reply: ${JSON.stringify(reply)} + ' ' + input.text }; }\n`,
  });
}

beforeAll(() => {
  fixture = openConsoleTestPlane({ name: 'console', runsAgents: true, telemetry: true, handlers: { fleetIntervalMs: 200 } });
  ({ plane, handlers } = fixture);
  projectDir = path.join(fixture.root, 'project');
  writeProject('one');
}, 120_000);

afterAll(() => fixture?.dispose());

const admin = () => connect(handlers, { user: 'ann', role: 'admin' });

/** Calls until the status is `wanted` (a signal-driven reload lands within moments) or 5 s pass; returns the last status. */
async function statusBecomes(call: () => Promise<number>, wanted: number): Promise<number> {
  const deadline = Date.now() + 5000;
  let status = await call();
  while (status !== wanted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = await call();
  }
  return status;
}

describe('the envelope, validation and roles', () => {
  it('answers app:info with who is signed in', async () => {
    const { client } = admin();
    expect(await client.request('app:info', {})).toEqual({ ok: true, value: expect.objectContaining({ name: 'AgentDock', version: '9.9.9', mode: 'serve', user: 'ann', role: 'admin' }) });
  });

  it('refuses bad input with E3001 naming the field, unknown channels with E3006, and ignores garbage', async () => {
    const { client, sendRaw, received } = admin();
    const bad = await client.request('agents:get', { agent: 'Not A Name' } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'E3001', name: 'InvalidRequest', message: expect.stringContaining('agent: an agent name') } });
    const extra = await client.request('app:info', { sneaky: true } as never);
    expect(extra).toMatchObject({ ok: false, error: { code: 'E3001' } });
    const unknown = await client.request('fs:read' as never, {} as never);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E3006' } });
    const before = received.length;
    sendRaw('not an object');
    sendRaw({ type: 'request', id: -1, channel: 'app:info' });
    sendRaw({ type: 'request', id: 1, channel: 'app:info', input: {}, extra: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.length).toBe(before);
  });

  it('enforces roles in main: a viewer cannot deploy, create keys or reveal secrets; a developer cannot delete', async () => {
    const viewer = connect(handlers, { user: 'val', role: 'viewer' });
    expect(await viewer.client.request('deploy:create', { projectDir, target: 'process' })).toMatchObject({ ok: false, error: { code: 'E3002', message: expect.stringContaining('needs the developer role; val is signed in as viewer') } });
    expect(await viewer.client.request('keys:create', { agent: AGENT, role: 'developer' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    expect(await viewer.client.request('secrets:reveal', { name: 'OPENAI_API_KEY', environment: 'dev' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    const developer = connect(handlers, { user: 'dev', role: 'developer' });
    expect(await developer.client.request('agents:lifecycle', { agents: [AGENT], action: 'delete' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    expect(await developer.client.request('keys:list', { agent: AGENT })).toMatchObject({ ok: false, error: { code: 'E3002' } });
  });

  it('carries control-plane errors with their code and message', async () => {
    const { client } = admin();
    expect(await client.request('agents:get', { agent: 'nobody' })).toMatchObject({ ok: false, error: { code: 'E2004', name: 'AgentNotFound' } });
  });
});

describe('deploy, fleet, playground, keys and secrets through the contract', () => {
  it('deploys with progress steps, shows the agent in the fleet and the fleet stream, and invokes it from the playground', async () => {
    const { client } = admin();
    const changes: FleetChange[] = [];
    const stop = client.subscribe('fleet:changes', {}, (change) => changes.push(change));
    const steps: DeployProgress[] = [];
    const deployed = await client.request('deploy:create', { projectDir, target: 'process' }, { onProgress: (progress) => steps.push(progress) });
    expect(deployed).toMatchObject({ ok: true, value: { agent: AGENT, version: 'v1' } });
    expect(steps.filter((step) => step.kind === 'step').map((step) => (step.kind === 'step' ? step.step : ''))).toEqual(['validating', 'building', 'registering', 'starting', 'health_gate', 'switching', 'active']);
    await waitFor(changes, (change) => change.type === 'upsert' && change.row.agent === AGENT && change.row.health === 'healthy', 'a healthy upsert of the agent');
    stop();

    const list = await client.request('agents:list', {});
    expect(list).toMatchObject({ ok: true, value: [expect.objectContaining({ agent: AGENT, version: 'v1', target: 'process', health: 'healthy', replicasReady: 1, replicasWanted: 1 })] });

    const invoked = await client.request('agents:invoke', { agent: AGENT, input: { text: 'hi' } });
    expect(invoked).toMatchObject({ ok: true, value: { status: 200, output: { reply: 'one hi' }, traceId: expect.any(String) } });
    const refused = await client.request('agents:invoke', { agent: AGENT, input: { wrong: 1 } });
    // The runtime's own answer to input that fails the schema, passed through.
    expect(refused).toMatchObject({ ok: true, value: { status: 422 } });
  }, 60_000);

  it('rolls back to v1 with progress after v2, and agents:get shows both versions and the active one', async () => {
    const { client } = admin();
    writeProject('two');
    expect(await client.request('deploy:create', { projectDir, target: 'process' })).toMatchObject({ ok: true, value: { version: 'v2' } });
    expect(await client.request('agents:invoke', { agent: AGENT, input: { text: 'hi' } })).toMatchObject({ ok: true, value: { output: { reply: 'two hi' } } });
    const steps: DeployProgress[] = [];
    const back = await client.request('deploy:rollback', { agent: AGENT, version: 'v1', target: 'process' }, { onProgress: (step) => steps.push(step) });
    expect(back).toMatchObject({ ok: true, value: { version: 'v1' } });
    expect(steps[0]).toMatchObject({ kind: 'step', step: 'rolling_back' });
    expect(await client.request('agents:invoke', { agent: AGENT, input: { text: 'hi' } })).toMatchObject({ ok: true, value: { output: { reply: 'one hi' } } });
    const detail = await client.request('agents:get', { agent: AGENT });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.value.versions.map((version) => [version.label, version.activeOn, version.rollbackable])).toEqual([
      ['v2', [], true],
      ['v1', ['process'], true],
    ]);
    expect(detail.value.inputSchema).toMatchObject({ required: ['text'] });
    expect((await client.request('versions:dockfile', { agent: AGENT, version: 'v2' })).ok).toBe(true);
  }, 60_000);

  it('creates a key the running agent accepts at once and revokes it (the runtime then answers 499)', async () => {
    const { client } = admin();
    // Only roles the agent's runtime knows (its Dockfile declares developer alone): no key that would get 403.
    expect(await client.request('agents:get', { agent: AGENT })).toMatchObject({ ok: true, value: { roles: [{ name: 'developer', permissions: ['invoke'] }] } });
    expect(await client.request('keys:create', { agent: AGENT, role: 'admin' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('has no role "admin": its runtime would refuse the key (403). Use one of developer') } });
    expect(await client.request('keys:list', { agent: AGENT })).toEqual({ ok: true, value: [] });
    const created = await client.request('keys:create', { agent: AGENT, role: 'developer' });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.raw).toMatch(/^adk_/);
    const listed = await client.request('keys:list', { agent: AGENT });
    expect(JSON.stringify(listed)).not.toContain(created.value.raw);
    const endpoint = (await plane.controller().status(AGENT, 'process'))!.deployment.endpoint!;
    const call = async () => (await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': created.value.raw }, body: JSON.stringify({ text: 'k' }) })).status;
    // The replica reloads on the signal the rollout sent, without a restart: same endpoint, moments later.
    expect(await statusBecomes(call, 200)).toBe(200);
    expect(await client.request('keys:revoke', { id: created.value.key.id })).toMatchObject({ ok: true, value: { revokedAt: expect.any(String) } });
    expect(await statusBecomes(call, 499)).toBe(499);
    expect(plane.repositories.audit.list().filter((entry) => entry.action.startsWith('key:')).map((entry) => [entry.action, entry.actor])).toEqual(expect.arrayContaining([['key:create', 'ann'], ['key:revoke', 'ann']]));
  }, 30_000);

  it('rotates a key: with a grace period both keys work, without one the old key is refused (499) at once', async () => {
    const { client } = admin();
    const created = await client.request('keys:create', { agent: AGENT, role: 'developer', label: 'ci' });
    if (!created.ok) throw new Error(created.error.message);
    const endpoint = (await plane.controller().status(AGENT, 'process'))!.deployment.endpoint!;
    const callWith = (raw: string) => async () => (await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': raw }, body: JSON.stringify({ text: 'r' }) })).status;
    expect(await statusBecomes(callWith(created.value.raw), 200)).toBe(200);

    const graceful = await client.request('keys:rotate', { id: created.value.key.id, graceMinutes: 60 });
    if (!graceful.ok) throw new Error(graceful.error.message);
    expect(graceful.value).toMatchObject({ key: { role: 'developer', label: 'ci', revokedAt: null }, previous: { id: created.value.key.id, revokedAt: null, expiresAt: expect.any(String) } });
    expect(await statusBecomes(callWith(graceful.value.raw), 200)).toBe(200);
    expect(await callWith(created.value.raw)()).toBe(200);

    const immediate = await client.request('keys:rotate', { id: graceful.value.key.id });
    if (!immediate.ok) throw new Error(immediate.error.message);
    expect(await statusBecomes(callWith(graceful.value.raw), 499)).toBe(499);
    expect(await statusBecomes(callWith(immediate.value.raw), 200)).toBe(200);
    expect(await client.request('keys:rotate', { id: graceful.value.key.id })).toMatchObject({ ok: false, error: { code: 'E2023', message: expect.stringContaining('create a new key instead') } });
    expect(plane.repositories.audit.list().filter((entry) => entry.action === 'key:rotate')).toHaveLength(2);
    const viewer = connect(handlers, { user: 'val', role: 'viewer' }).client;
    expect(await viewer.request('keys:rotate', { id: immediate.value.key.id })).toMatchObject({ ok: false, error: { code: 'E3002' } });
  }, 30_000);

  it('keeps secrets masked in lists, reveals them to admins, and rotates them', async () => {
    const { client } = admin();
    const set = await client.request('secrets:set', { name: 'OPENAI_API_KEY', value: 'fake-openai-key-for-tests-only-xyz', environment: 'dev' });
    expect(set).toMatchObject({ ok: true, value: { masked: expect.stringMatching(/^fake.*\.\.\.xyz$/) } });
    const listed = await client.request('secrets:list', {});
    expect(listed).toMatchObject({ ok: true, value: expect.arrayContaining([expect.objectContaining({ name: 'OPENAI_API_KEY', masked: set.ok ? set.value.masked : '', agent: null })]) });
    // The deployed agent has an audit hash key in the vault: AgentDock's own, so neither listed nor reachable here.
    expect(await plane.vault().list({ actor: 'test', role: 'viewer' })).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'AGENTDOCK_AUDIT_HASH_KEY' })]));
    expect(listed.ok && listed.value.map((row) => row.name)).not.toContain('AGENTDOCK_AUDIT_HASH_KEY');
    expect(await client.request('secrets:reveal', { name: 'AGENTDOCK_AUDIT_HASH_KEY', environment: 'dev', agent: AGENT })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining("is AgentDock's own") } });
    expect(await client.request('secrets:set', { name: 'AGENTDOCK_AUDIT_HASH_KEY', value: 'x', environment: 'dev', agent: AGENT })).toMatchObject({ ok: false, error: { code: 'E3001' } });
    expect(JSON.stringify(listed)).not.toContain('for-tests-only');
    expect(await client.request('secrets:reveal', { name: 'OPENAI_API_KEY', environment: 'dev' })).toEqual({ ok: true, value: { value: 'fake-openai-key-for-tests-only-xyz' } });
    expect(await client.request('secrets:set', { name: 'OPENAI_API_KEY', value: 'fake-rotated-key-for-tests-only-999', environment: 'dev', rotate: true })).toMatchObject({ ok: true, value: { masked: expect.stringMatching(/\.\.\.999$/) } });
    expect(await client.request('secrets:reveal', { name: 'OPENAI_API_KEY', environment: 'dev' })).toEqual({ ok: true, value: { value: 'fake-rotated-key-for-tests-only-999' } });
  });

  it('streams runtime events as they happen, for one agent', async () => {
    const { client } = admin();
    const events: LiveEvent[] = [];
    const stop = client.subscribe('telemetry:events', { agent: AGENT }, (event) => events.push(event));
    // The telemetry service follows new replicas on its next poll; invoke until an event arrives.
    const deadline = Date.now() + 20_000;
    while (!events.some((event) => event.type === 'run_end') && Date.now() < deadline) {
      await client.request('agents:invoke', { agent: AGENT, input: { text: 'live' } });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stop();
    expect(events.find((event) => event.type === 'run_end')).toMatchObject({ agent: AGENT, source: expect.any(String), data: expect.objectContaining({ status: expect.any(String) }) });
  }, 30_000);
});

describe('cancellation and disposal', () => {
  it('a cancelled deploy answers E3003 and leaves the active version serving', async () => {
    const { client } = admin();
    writeProject('three');
    const controller = new AbortController();
    const pending = client.request('deploy:create', { projectDir, target: 'process' }, { signal: controller.signal, onProgress: (progress) => progress.kind === 'step' && progress.step === 'building' && controller.abort() });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'E3003' } });
    expect(await client.request('agents:invoke', { agent: AGENT, input: { text: 'hi' } })).toMatchObject({ ok: true, value: { output: { reply: 'one hi' } } });
  }, 60_000);

  it('closing the window disposes its streams and settles its requests with E3004', async () => {
    const pair = admin();
    let ended: unknown;
    pair.client.subscribe('fleet:changes', {}, () => undefined, (error) => (ended = error));
    pair.client.subscribe('telemetry:events', {}, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pair.session.openCount.streams).toBe(2);
    const pending = pair.client.request('agents:list', {});
    pair.close();
    expect(pair.session.openCount).toEqual({ requests: 0, streams: 0 });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'E3004' } });
    expect(ended).toMatchObject({ code: 'E3004' });
    expect(pair.client.openCount).toEqual({ requests: 0, streams: 0 });
  });

  it('unsubscribing stops the events and releases the stream in main', async () => {
    const pair = admin();
    const stop = pair.client.subscribe('fleet:changes', {}, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pair.session.openCount.streams).toBe(1);
    stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pair.session.openCount.streams).toBe(0);
  });
});

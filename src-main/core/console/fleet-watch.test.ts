// The shared fleet watch over a real control plane and real runtimes: a deployment made outside the
// console (as `agentdock deploy` in another process does) is followed by telemetry as soon as the
// watch sees it, so its events reach an open panel although telemetry polls only every 10 minutes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetChange, LiveEvent } from '../../../src-shared/ipc/console-types';
import { connect, openConsoleTestPlane, waitFor, writeTestAgentProject } from './test-support';
import type { ConsoleTestPlane } from './test-support';

const AGENT = 'watched-agent';
let fixture: ConsoleTestPlane;

beforeAll(() => {
  fixture = openConsoleTestPlane({ name: 'fleet-watch', runsAgents: true, telemetry: true, telemetryIntervals: { pollIntervalMs: 600_000 }, handlers: { fleetIntervalMs: 200 } });
}, 120_000);

afterAll(async () => {
  await fixture?.dispose();
});

describe('FleetWatch', () => {
  it('sends a deployment made elsewhere to the fleet stream and has telemetry follow it at once', async () => {
    const { client } = connect(fixture.handlers, { user: 'vic', role: 'viewer' });
    const changes: FleetChange[] = [];
    const events: LiveEvent[] = [];
    client.subscribe('fleet:changes', {}, (change) => changes.push(change));
    client.subscribe('telemetry:events', { agent: undefined }, (event) => events.push(event));
    const project = writeTestAgentProject(path.join(fixture.root, AGENT), {
      dockfile: `version: "1.0"
agent: { name: ${AGENT}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { text: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true, host: 127.0.0.1 }
`,
      module: 'export async function run(input) { return { reply: `got ${input.text}` }; }\n',
    });
    // Not through the console: nothing pokes the watch or telemetry but the watch's own tick.
    const deployed = await fixture.plane.controller().deploy(project, { target: 'process', actor: 'ci', role: 'admin' });
    await waitFor(changes, (change) => change.type === 'upsert' && change.row.agent === AGENT && change.row.deploymentId === deployed.deploymentId, 'the new deployment in the fleet stream');
    const followed = async (): Promise<boolean> => fixture.plane.telemetry().stats().subscriptions.some((subscription) => subscription.source.startsWith(`${deployed.deploymentId}/`));
    for (let attempt = 0; attempt < 150 && !(await followed()); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await followed()).toBe(true);
    // And its events reach the open stream: a run made with a key is seen as run_end.
    const admin = connect(fixture.handlers, { user: 'ann', role: 'admin' }).client;
    const created = await admin.request('keys:create', { agent: AGENT, role: 'developer' });
    if (!created.ok) throw new Error(created.error.message);
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      const response = await fetch(`${deployed.endpoints[0]}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': created.value.raw }, body: '{"text":"hi"}' });
      status = response.status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    await waitFor(events, (event) => event.agent === AGENT && event.type === 'run_end', 'the run_end of the new deployment');
  }, 60_000);
});

// The playground's streamed invoke (`agents:invoke-stream`) end to end on the main side: a real
// ConsoleClient over a real ConsoleSession, a real control plane, and a real runtime process
// running a generator agent that calls the simulated model through the runtime's LLM proxy.
// Proves the events arrive in order and the stream ends, that unsubscribing aborts the run in the
// runtime (the agent sees its abort signal), and that a viewer is refused.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleErrorBody } from '../../../src-shared/ipc/envelope';
import type { PlaygroundStreamEvent } from '../../../src-shared/ipc/console-types';
import { connect, deployThroughConsole, openConsoleTestPlane, waitFor, writeTestAgentProject } from './test-support';
import type { ConsoleTestPlane } from './test-support';

const AGENT = 'stream-echo';
let fixture: ConsoleTestPlane;
let root: string;
let handlers: ConsoleTestPlane['handlers'];

const DOCKFILE = `version: "1.0"
agent: { name: ${AGENT}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string }, hold: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
policies:
  safety: { redact_patterns: ["SECRET-[0-9]+"] }
auth:
  mode: api_key
  api_keys: { enabled: true }
  roles: [{ name: developer, permissions: [invoke] }]
expose: { rest: true, streaming: sse, host: 127.0.0.1 }
`;

// A generator agent: one model call (real tokens and cost from the simulated provider), then one
// token per word, then an output carrying a marker the redact policy removes. With `hold` it
// stops after one token and waits for its abort signal, then writes the file `hold` names.
const AGENT_SOURCE = `import { writeFileSync } from 'node:fs';
export async function* run(input, config) {
  if (input.hold) {
    yield 'holding ';
    await new Promise((resolve) => config.signal.addEventListener('abort', resolve, { once: true }));
    writeFileSync(input.hold, 'aborted: ' + String(config.signal.reason?.message ?? config.signal.reason));
    return { reply: 'cancelled' };
  }
  const response = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: input.text }] }),
  });
  await response.json();
  for (const word of input.text.split(' ')) yield word + ' ';
  return { reply: input.text + ' SECRET-4242' };
}
`;

beforeAll(async () => {
  fixture = openConsoleTestPlane({ name: 'playground-stream', runsAgents: true });
  ({ root, handlers } = fixture);
  await deployThroughConsole(handlers, writeTestAgentProject(path.join(root, 'project'), { dockfile: DOCKFILE, module: AGENT_SOURCE }));
}, 120_000);

afterAll(() => fixture?.dispose());

/** Subscribes and collects every event; `ended` resolves with the end's error (undefined: a normal end). */
function collect(role: 'admin' | 'developer' | 'viewer', input: { agent: string; input: Record<string, unknown> }) {
  const pair = connect(handlers, { user: 'dev', role });
  const events: PlaygroundStreamEvent[] = [];
  let unsubscribe: () => void = () => undefined;
  const ended = new Promise<ConsoleErrorBody | undefined>((resolve) => {
    unsubscribe = pair.client.subscribe('agents:invoke-stream', input, (event) => events.push(event), resolve);
  });
  return { pair, events, ended, unsubscribe };
}

describe('agents:invoke-stream', () => {
  it('agents:get says the agent streams', async () => {
    const detail = await connect(handlers, { user: 'dev', role: 'viewer' }).client.request('agents:get', { agent: AGENT });
    expect(detail).toMatchObject({ ok: true, value: { streaming: true } });
  });

  it('forwards start, tokens, the policy event and the end with tokens and cost, in order, then ends the stream', async () => {
    const { pair, events, ended } = collect('developer', { agent: AGENT, input: { text: 'hello streaming world' } });
    expect(await ended).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['start', 'token', 'token', 'token', 'policy', 'end']);
    expect(events[0]).toMatchObject({ type: 'start', agent: AGENT, version: 'v1', traceId: expect.stringMatching(/\S/) });
    expect(events.filter((event) => event.type === 'token').map((event) => (event.type === 'token' ? event.text : ''))).toEqual(['hello ', 'streaming ', 'world ']);
    expect(events[4]).toMatchObject({ type: 'policy', stage: 'post_invoke', action: 'redacted', count: 1 });
    const end = events[5];
    if (end?.type !== 'end') throw new Error('no end event');
    const reply = (end.output as { reply: string }).reply;
    expect(reply.startsWith('hello streaming world ')).toBe(true);
    expect(reply).not.toContain('SECRET-4242');
    expect(end.usage).toMatchObject({ llmCalls: 1, inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
    expect(end.usage!.inputTokens).toBeGreaterThan(0);
    expect(end.usage!.outputTokens).toBeGreaterThan(0);
    expect(end.usage!.costUsd).toBeGreaterThan(0);
    expect(end.latencyMs).toEqual(expect.any(Number));
    expect(end.durationMs).toBeGreaterThanOrEqual(end.latencyMs!);
    // Ended by main: nothing stays open on either side.
    expect(pair.session.openCount.streams).toBe(0);
    expect(pair.client.openCount.streams).toBe(0);
  }, 30_000);

  it("passes the runtime's refusal of bad input as an error event, then ends", async () => {
    const { events, ended } = collect('developer', { agent: AGENT, input: { wrong: 1 } });
    expect(await ended).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'error', error: 'ValidationError', code: 422 })]);
  }, 30_000);

  it('unsubscribing mid-stream aborts the request: the runtime sees the client go and cancels the run', async () => {
    const marker = path.join(root, 'aborted.txt');
    const { pair, events, unsubscribe } = collect('developer', { agent: AGENT, input: { text: 'x', hold: marker } });
    await waitFor(events, (event) => event.type === 'token', 'the first token');
    expect(existsSync(marker)).toBe(false);
    unsubscribe();
    // The agent writes the marker when its run's abort signal fires, which only the runtime's
    // client-gone signal can do here (the run would otherwise wait forever).
    await waitFor([marker], (file) => existsSync(file), 'the agent to see its run aborted');
    expect(readFileSync(marker, 'utf8')).toMatch(/^aborted: /);
    expect(readFileSync(marker, 'utf8')).not.toMatch(/timeout/i);
    expect(pair.session.openCount.streams).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['start', 'token']);
  }, 30_000);

  it('refuses a viewer with E3002 before anything reaches the runtime', async () => {
    const { events, ended } = collect('viewer', { agent: AGENT, input: { text: 'hi' } });
    expect(await ended).toMatchObject({ code: 'E3002' });
    expect(events).toEqual([]);
  });

  it('fails the subscription with E2004 for an agent that does not exist', async () => {
    const { ended } = collect('developer', { agent: 'no-such-agent', input: { text: 'hi' } });
    expect(await ended).toMatchObject({ code: 'E2004' });
  });
});

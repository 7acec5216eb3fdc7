import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { AgentRunError, TRACE_HEADER } from '../contracts';
import type { AgentStreamEvent } from '../contracts';
import { collect, recordingLogger, recordingSink, runContext, tokenText } from './adapter-test-support';
import { createAgentAdapter } from './index';
import { PythonAgentAdapter } from './python-adapter';
import type { PythonAdapterOptions } from './python-adapter';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.join(here, 'testdata', 'python');
const repoRoot = path.resolve(here, '../../..');

let python: string;
let adapters: PythonAgentAdapter[] = [];
let servers: Server[] = [];
let tempDir: string;

beforeAll(() => {
  // A virtualenv with real langgraph and langchain-core from PyPI (scripts/python-test-requirements.txt).
  python = process.env.AGENTDOCK_TEST_PYTHON ?? execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-python-deps.sh')], { encoding: 'utf8' }).trim();
}, 600_000);

beforeEach(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'agentdock-py-adapter-'));
});

afterEach(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  adapters = [];
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
  await rm(tempDir, { recursive: true, force: true });
});

function adapter(entrypoint: string, options: Partial<PythonAdapterOptions> = {}) {
  const events = recordingSink();
  const logger = recordingLogger();
  const created = new PythonAgentAdapter({
    entrypoint,
    projectDir,
    pythonPath: python,
    // Keep __pycache__ out of the repository's testdata.
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    logger,
    events,
    stopGraceMs: 2_000,
    ...options,
  });
  adapters.push(created);
  return Object.assign(created, { events, logger });
}

async function failure(promise: Promise<unknown>): Promise<AgentRunError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AgentRunError);
  return error as AgentRunError;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Python adapter: LangGraph graphs', () => {
  it('invokes a StateGraph from a factory; its real tool runs once the policy allows it', async () => {
    const agent = adapter('graph_agent:build_graph');
    const marker = path.join(tempDir, 'marker');
    const context = runContext();
    const output = (await agent.invoke({ messages: [{ role: 'user', content: 'hi' }], marker }, context)) as { messages: { type: string; content: unknown; tool_calls?: unknown }[] };
    expect(existsSync(marker)).toBe(true);
    expect(context.asked).toEqual([{ name: 'write_marker', input: { path: marker } }]);
    expect(output.messages.map((message) => message.type)).toEqual(['human', 'ai', 'tool', 'ai']);
    expect(output.messages[1]?.tool_calls).toEqual([{ id: 'call_marker', name: 'write_marker', args: { path: marker } }]);
    expect(output.messages[3]?.content).toBe('the marker is written');
    expect(agent.events.events.filter((event) => event.type === 'tool').map((event) => [event.data.phase, event.traceId])).toEqual([
      ['start', context.traceId],
      ['end', context.traceId],
    ]);
  });

  it('streams model tokens (stream_mode messages), tool events, then the final state', async () => {
    const agent = adapter('graph_agent:graph');
    const marker = path.join(tempDir, 'marker');
    const { events, error } = await collect(agent.stream({ messages: [{ role: 'user', content: 'hi' }], marker }, runContext()));
    expect(error).toBeUndefined();
    expect(tokenText(events)).toBe('the marker is written');
    expect(events.filter((event) => event.type === 'token').length).toBeGreaterThan(1);
    const kinds = events.map((event) => event.type);
    expect(kinds.indexOf('tool_start')).toBeLessThan(kinds.indexOf('tool_end'));
    expect(kinds.indexOf('tool_end')).toBeLessThan(kinds.indexOf('token'));
    expect(events.find((event) => event.type === 'tool_end')).toMatchObject({ callId: 'call_marker', name: 'write_marker', output: { type: 'tool', content: `wrote ${marker}` } });
    expect(kinds.at(-1)).toBe('end');
  });

  it('denies a tool before it executes: no side effect, ToolDenied, tool_denied on the stream', async () => {
    const agent = adapter('graph_agent:graph');
    const marker = path.join(tempDir, 'marker');
    const deny = () => ({ allow: false as const, reason: 'write_marker is not allowed' });
    const error = await failure(agent.invoke({ messages: [{ role: 'user', content: 'hi' }], marker }, runContext({ decide: deny })));
    expect(error.code).toBe('ToolDenied');
    expect(error.message).toBe('tool write_marker was denied: write_marker is not allowed');
    expect(existsSync(marker)).toBe(false);

    const streamed = await collect(agent.stream({ messages: [{ role: 'user', content: 'hi' }], marker }, runContext({ decide: deny })));
    expect((streamed.error as AgentRunError).code).toBe('ToolDenied');
    expect(streamed.events.map((event) => event.type)).toEqual(['tool_start', 'tool_denied']);
    expect(streamed.events[1]).toEqual({ type: 'tool_denied', callId: 'call_marker', name: 'write_marker', reason: 'write_marker is not allowed' });
    expect(existsSync(marker)).toBe(false);
  });

  it('gates a tool that a plain function calls without passing config', async () => {
    const agent = adapter('plain_agents:uses_tool_without_config');
    const marker = path.join(tempDir, 'touched');
    expect((await failure(agent.invoke({ marker }, runContext({ decide: () => ({ allow: false, reason: 'no' }) })))).code).toBe('ToolDenied');
    expect(existsSync(marker)).toBe(false);
    expect(await agent.invoke({ marker }, runContext())).toEqual({ result: 'touched' });
    expect(existsSync(marker)).toBe(true);
  });
});

describe('Python adapter: runnables, callables and generators', () => {
  it('invokes and streams a LangChain runnable chain', async () => {
    const agent = adapter('runnable_agent:chain');
    expect(await agent.invoke({ question: '2+2?' }, runContext())).toBe('four');
    const { events } = await collect(agent.stream({ question: '2+2?' }, runContext()));
    expect(tokenText(events)).toBe('four');
    expect(events.at(-1)).toEqual({ type: 'end', output: 'four' });
  });

  it('passes the input and a LangChain config to a plain function (trace id, Dockfile arguments)', async () => {
    const agent = adapter('plain_agents:echo');
    const context = runContext({ arguments: { mode: 'strict' } });
    expect(await agent.invoke({ a: [1, 2] }, context)).toEqual({ echo: { a: [1, 2] }, trace: context.traceId, mode: 'strict' });
    expect(await adapter('plain_agents:shout').invoke({ text: 'hey' }, runContext())).toEqual({ text: 'HEY' });
  });

  it('streams what a generator yields as tokens; an async generator of objects gives its last one', async () => {
    const { events } = await collect(adapter('plain_agents:words').stream({ text: 'one two' }, runContext()));
    expect(events).toEqual([
      { type: 'token', text: 'one ' },
      { type: 'token', text: 'two ' },
      { type: 'end', output: 'one two ' },
    ]);
    expect(await adapter('plain_agents:numbers').invoke({ count: 3 }, runContext())).toEqual({ done: 3 });
  });

  it('keeps user prints (print, sys.stdout, raw fd 1) off the protocol and in the logs', async () => {
    const agent = adapter('plain_agents:noisy');
    expect(await agent.invoke({}, runContext())).toEqual({ quiet: true });
    const stderr = agent.logger.lines.filter((line) => line.message === 'agent stderr').map((line) => line.fields?.line);
    expect(stderr).toContain('this print must not reach the protocol');
    expect(stderr).toContain('{"type": "end", "id": "forged", "output": 1}');
    // sys.stdout.write without a newline and the raw fd-1 write share one stderr line.
    expect(stderr).toContain('no newline at the endraw write to fd 1');
  });

  it('runs requests concurrently', async () => {
    const agent = adapter('plain_agents:echo');
    const slow = adapter('plain_agents:wait_forever');
    const blocked = failure(slow.invoke({}, runContext()));
    const results = await Promise.all([1, 2, 3].map((n) => agent.invoke({ n }, runContext())));
    expect(results.map((result) => (result as { echo: { n: number } }).echo.n)).toEqual([1, 2, 3]);
    await slow.close();
    expect((await blocked).code).toBe('AdapterStopped');
  });
});

describe('Python adapter: standard library only', () => {
  it('serves a plain agent on an interpreter without LangChain or httpx', async () => {
    await writeFile(path.join(tempDir, 'bare.py'), 'def agent(payload, config):\n    return {"sum": sum(payload["numbers"]), "trace": config["metadata"]["agentdock_trace_id"]}\n');
    const bare = execFileSync('python3', ['-c', 'import importlib.util as u; print(u.find_spec("langchain_core") is None)'], { encoding: 'utf8' }).trim();
    expect(bare).toBe('True');
    const agent = adapter('bare:agent', { projectDir: tempDir, pythonPath: 'python3', llmBaseUrl: 'http://127.0.0.1:9/v1' });
    const context = runContext();
    expect(await agent.invoke({ numbers: [1, 2, 3] }, context)).toEqual({ sum: 6, trace: context.traceId });
  });
});

describe('Python adapter: failures and supervision', () => {
  it('reports the agent exception as AgentError with its type and message', async () => {
    const error = await failure(adapter('plain_agents:fail').invoke({}, runContext()));
    expect(error.code).toBe('AgentError');
    expect(error.message).toBe('ValueError: the agent could not cope');
  });

  it('cancels a run on abort without restarting the process', async () => {
    const agent = adapter('plain_agents:wait_forever');
    const controller = new AbortController();
    const pending = failure(agent.invoke({}, runContext({ signal: controller.signal })));
    await agent.ready();
    const pid = agent.pid;
    controller.abort();
    expect((await pending).code).toBe('Cancelled');
    const stopped = new AbortController();
    const streamed = agent.stream({}, runContext({ signal: stopped.signal }));
    const iterator = streamed[Symbol.asyncIterator]();
    const next = failure(iterator.next());
    stopped.abort(new DOMException('deadline', 'TimeoutError'));
    expect((await next).code).toBe('Timeout');
    expect(agent.pid).toBe(pid);
    expect(agent.events.events.some((event) => event.data.state === 'restarting')).toBe(false);
  });

  it('restarts after a crash: the in-flight run fails with AdapterCrashed, the next one succeeds', async () => {
    const agent = adapter('plain_agents:crash');
    await agent.ready();
    const firstPid = agent.pid;
    const error = await failure(agent.invoke({ die: true }, runContext()));
    expect(error.code).toBe('AdapterCrashed');
    expect(error.message).toContain('exited with code 7 while this request was running');
    expect(error.detail).toMatchObject({ exitCode: 7 });
    expect(await agent.invoke({}, runContext())).toEqual({ alive: true });
    expect(agent.pid).not.toBe(firstPid);
    const restart = agent.events.events.find((event) => event.type === 'adapter' && event.data.state === 'restarting');
    // The scheduled delay, not a measurement: the first restart is due within 1 s.
    expect(restart?.data).toMatchObject({ exitCode: 7 });
    expect(restart?.data.delayMs).toBeLessThanOrEqual(1_000);
    expect(agent.events.events.filter((event) => event.type === 'adapter').map((event) => event.data.state)).toEqual(['ready', 'restarting', 'ready']);
  });

  it('recovers from a process killed from outside', async () => {
    const agent = adapter('plain_agents:wait_forever');
    const pending = failure(agent.invoke({}, runContext()));
    await agent.ready();
    process.kill(agent.pid!, 'SIGKILL');
    const error = await pending;
    expect(error.message).toContain('killed by SIGKILL');
    await agent.ready();
    expect(agent.pid).toBeDefined();
  });

  it('gives up on a crash loop and says so', async () => {
    await writeFile(path.join(tempDir, 'dies_on_import.py'), 'import os\nos._exit(9)\n');
    const agent = adapter('dies_on_import:agent', { projectDir: tempDir, restart: { initialDelayMs: 10, maxRestarts: 2 } });
    const error = await failure(agent.ready());
    expect(error.code).toBe('AdapterCrashed');
    expect(error.message).toBe('the Python adapter keeps crashing; gave up restarting it (last: exit code 9)');
    expect((await failure(agent.invoke({}, runContext()))).message).toContain('gave up');
    expect(agent.events.events.filter((event) => event.data.state === 'restarting')).toHaveLength(2);
  });

  it('reports an entrypoint that cannot load without restarting', async () => {
    const agent = adapter('no_such_module:agent');
    const error = await failure(agent.ready());
    expect(error.code).toBe('AdapterCrashed');
    expect(error.message).toContain("cannot import no_such_module: ModuleNotFoundError: No module named 'no_such_module'");
    expect(agent.events.events.some((event) => event.data.state === 'restarting')).toBe(false);
    expect((await failure(adapter('plain_agents:missing').ready())).message).toContain('plain_agents defines no missing');
    const noInterpreter = adapter('plain_agents:echo', { pythonPath: path.join(tempDir, 'no-python') });
    expect((await failure(noInterpreter.ready())).message).toMatch(/cannot start the Python agent plain_agents:echo: cannot run .*no-python: spawn .*ENOENT/);
    expect(noInterpreter.events.events.some((event) => event.data.state === 'restarting')).toBe(false);
  });

  it('kills a process that does not become ready in time', async () => {
    await writeFile(path.join(tempDir, 'slow_import.py'), 'import time\ntime.sleep(600)\n');
    const agent = adapter('slow_import:agent', { projectDir: tempDir, readyTimeoutMs: 300, restart: { maxRestarts: 0 } });
    const error = await failure(agent.ready());
    expect(error.message).toContain('did not become ready within 300 ms');
  });

  it('close() stops the subprocess and leaves no process behind', async () => {
    const agent = adapter('plain_agents:wait_forever');
    await agent.ready();
    const pid = agent.pid!;
    expect(isAlive(pid)).toBe(true);
    const pending = failure(agent.invoke({}, runContext()));
    await agent.close();
    expect(isAlive(pid)).toBe(false);
    expect((await pending).code).toBe('AdapterStopped');
    expect((await failure(agent.invoke({}, runContext()))).code).toBe('AdapterStopped');
  });
});

describe('Python adapter: trace propagation', () => {
  it('adds the trace id to httpx requests under the LLM proxy URL only', async () => {
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((request, response) => {
      seen.push({ url: request.url ?? '', headers: request.headers });
      request.resume();
      request.on('end', () => response.end('{}'));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = adapter('plain_agents:call_llm', { llmBaseUrl: `${base}/v1` });
    const context = runContext();
    expect(await agent.invoke({ url: `${base}/v1/chat/completions` }, context)).toEqual({ status: 200 });
    expect(await agent.invoke({ url: `${base}/other` }, runContext())).toEqual({ status: 200 });
    expect(seen.map((request) => [request.url, request.headers[TRACE_HEADER]])).toEqual([
      ['/v1/chat/completions', context.traceId],
      ['/other', undefined],
    ]);
  });
});

describe('createAgentAdapter (python)', () => {
  it('builds the subprocess adapter from the DockSpec entrypoint', async () => {
    const spec = { agent: { name: 'echo-agent', entrypoint: 'plain_agents:shout', framework: 'langchain' } } as unknown as DockSpec;
    const created = createAgentAdapter({ spec, projectDir, language: 'python', pythonPath: python, env: { PYTHONDONTWRITEBYTECODE: '1' }, logger: recordingLogger(), events: recordingSink() });
    adapters.push(created as PythonAgentAdapter);
    expect(created.language).toBe('python');
    const events: AgentStreamEvent[] = (await collect(created.stream({ text: 'ok' }, runContext()))).events;
    expect(events).toEqual([{ type: 'end', output: { text: 'OK' } }]);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { AgentAdapter } from '../contracts';
import { AgentRunError, TRACE_HEADER } from '../contracts';
import { collect, recordingLogger, recordingSink, runContext, tokenText } from './adapter-test-support';
import { createAgentAdapter } from './index';
import { JsAgentAdapter } from './js-adapter';

const projectDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'js');

let adapters: AgentAdapter[] = [];
let tempDir: string;
let servers: Server[] = [];

beforeEach(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'agentdock-js-adapter-'));
});

afterEach(async () => {
  // The in-process adapter puts the agent's env on process.env.
  delete process.env.OPENAI_BASE_URL;
  await Promise.all(adapters.map((adapter) => adapter.close()));
  adapters = [];
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
  await rm(tempDir, { recursive: true, force: true });
});

function adapter(entrypoint: string, options: { llmBaseUrl?: string; env?: Record<string, string> } = {}) {
  const events = recordingSink();
  const logger = recordingLogger();
  const created = new JsAgentAdapter({ entrypoint, projectDir, language: 'javascript', env: options.env ?? {}, logger, events, ...(options.llmBaseUrl ? { llmBaseUrl: options.llmBaseUrl } : {}) });
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

describe('JS adapter: LangGraph.js graphs', () => {
  it('invokes a compiled graph whose real tool runs after the policy allows it', async () => {
    const agent = adapter('graph-agent.mjs:graph');
    const marker = path.join(tempDir, 'marker');
    const context = runContext();
    const output = (await agent.invoke({ messages: [{ role: 'user', content: 'weather?' }], marker }, context)) as { messages: { type: string; content: unknown }[] };
    expect(existsSync(marker)).toBe(true);
    expect(context.asked).toEqual([{ name: 'write_marker', input: { path: marker } }]);
    expect(output.messages.map((message) => message.type)).toEqual(['human', 'ai', 'tool', 'ai']);
    expect(output.messages[3]?.content).toBe('It is sunny.');
    const tools = agent.events.events.filter((event) => event.type === 'tool');
    expect(tools.map((event) => event.data.phase)).toEqual(['start', 'end']);
    expect(tools[0]?.traceId).toBe(context.traceId);
    // Telemetry never carries the tool's input.
    expect(JSON.stringify(tools)).not.toContain(marker);
  });

  it('streams model tokens, the tool call before its result, then the final state', async () => {
    const agent = adapter('graph-agent.mjs:graph');
    const marker = path.join(tempDir, 'marker');
    const { events, error } = await collect(agent.stream({ messages: [{ role: 'user', content: 'weather?' }], marker }, runContext()));
    expect(error).toBeUndefined();
    expect(tokenText(events)).toBe('It is sunny.');
    const kinds = events.map((event) => event.type);
    expect(kinds.indexOf('tool_start')).toBeLessThan(kinds.indexOf('tool_end'));
    expect(kinds.indexOf('tool_end')).toBeLessThan(kinds.indexOf('token'));
    expect(kinds.at(-1)).toBe('end');
    expect(events.find((event) => event.type === 'tool_start')).toEqual({ type: 'tool_start', callId: 'call_marker', name: 'write_marker', input: { path: marker } });
    const end = events.at(-1) as { output: { messages: unknown[]; marker: string } };
    expect(end.output.messages).toHaveLength(4);
  });

  it('denies a tool before it executes: the tool function never runs and the run fails with ToolDenied', async () => {
    const agent = adapter('graph-agent.mjs:graph');
    const marker = path.join(tempDir, 'marker');
    const deny = () => ({ allow: false as const, reason: 'write_marker is not in policies.tools.allowed' });
    const error = await failure(agent.invoke({ messages: [{ role: 'user', content: 'x' }], marker }, runContext({ decide: deny })));
    expect(error.code).toBe('ToolDenied');
    expect(error.message).toContain('write_marker is not in policies.tools.allowed');
    expect(existsSync(marker)).toBe(false);

    const streamed = await collect(agent.stream({ messages: [{ role: 'user', content: 'x' }], marker }, runContext({ decide: deny })));
    expect((streamed.error as AgentRunError).code).toBe('ToolDenied');
    expect(streamed.events.map((event) => event.type)).toEqual(['tool_start', 'tool_denied']);
    expect(existsSync(marker)).toBe(false);
    expect(agent.events.events.filter((event) => event.type === 'tool').map((event) => event.data.phase)).toEqual(['start', 'denied', 'start', 'denied']);
  });

  it('fails closed when the policy engine throws', async () => {
    const agent = adapter('graph-agent.mjs:graph');
    const marker = path.join(tempDir, 'marker');
    const broken = () => {
      throw new Error('policy store unavailable');
    };
    const error = await failure(agent.invoke({ messages: [], marker }, runContext({ decide: broken })));
    expect(error.code).toBe('ToolDenied');
    expect(existsSync(marker)).toBe(false);
  });

  it('calls a zero-argument factory once at load and compiles an uncompiled StateGraph', async () => {
    for (const entrypoint of ['graph-agent.mjs:buildGraph', 'graph-agent.mjs:builder']) {
      const agent = adapter(entrypoint);
      await agent.ready();
      expect(agent.events.events.find((event) => event.type === 'adapter')?.data).toMatchObject({ state: 'ready', kind: 'graph' });
      const output = (await agent.invoke({ messages: [], marker: path.join(tempDir, `m-${entrypoint.length}`) }, runContext())) as { messages: unknown[] };
      expect(output.messages).toHaveLength(3);
    }
  });
});

describe('JS adapter: Runnables, functions and generators', () => {
  it('invokes a RunnableLambda', async () => {
    const agent = adapter('runnable-agent.mjs:doubler');
    expect(await agent.invoke({ n: 21 }, runContext())).toEqual({ doubled: 42 });
  });

  it('streams the tokens of a chat model nested in a Runnable chain', async () => {
    const agent = adapter('runnable-agent.mjs:chain');
    const { events, error } = await collect(agent.stream({ question: '2+2?' }, runContext()));
    expect(error).toBeUndefined();
    expect(tokenText(events)).toBe('four');
    expect(events.at(-1)).toEqual({ type: 'end', output: 'four' });
    expect(await agent.invoke({ question: '2+2?' }, runContext())).toBe('four');
  });

  it('passes input and a LangChain config (trace id, Dockfile arguments) to a plain function', async () => {
    const agent = adapter('function-agents.mjs:echo');
    const context = runContext({ arguments: { mode: 'strict' } });
    expect(await agent.invoke({ a: 1 }, context)).toEqual({ echo: { a: 1 }, trace: context.traceId, mode: 'strict' });
  });

  it('streams the strings an async generator yields as tokens; its output is their text', async () => {
    const agent = adapter('function-agents.mjs:words');
    const { events } = await collect(agent.stream({ text: 'one two three' }, runContext()));
    expect(events.filter((event) => event.type === 'token').map((event) => (event as { text: string }).text)).toEqual(['one ', 'two ', 'three ']);
    expect(events.at(-1)).toEqual({ type: 'end', output: 'one two three ' });
  });

  it('takes the last partial output of a generator that yields objects', async () => {
    const agent = adapter('function-agents.mjs:progress');
    expect(await agent.invoke({ count: 3 }, runContext())).toEqual({ done: 3 });
  });

  it('uses the agent function a factory returns', async () => {
    const agent = adapter('function-agents.mjs:makeAgent');
    expect(await agent.invoke({ value: 'x' }, runContext())).toEqual({ made: 'x' });
  });

  it('loads a TypeScript agent', async () => {
    const agent = adapter('typed-agent.ts:greet');
    expect(await agent.invoke({ name: 'Ada' }, runContext())).toEqual({ greeting: 'hello Ada' });
  });

  it('gates a tool that a plain function calls without forwarding its config', async () => {
    const agent = adapter('function-agents.mjs:usesToolWithoutConfig');
    const marker = path.join(tempDir, 'touched');
    const error = await failure(agent.invoke({ marker }, runContext({ decide: () => ({ allow: false, reason: 'no' }) })));
    expect(error.code).toBe('ToolDenied');
    expect(existsSync(marker)).toBe(false);
    expect(await agent.invoke({ marker }, runContext())).toEqual({ result: 'touched' });
    expect(existsSync(marker)).toBe(true);
  });
});

describe('JS adapter: failures', () => {
  it('reports the agent exception as AgentError', async () => {
    const agent = adapter('function-agents.mjs:fail');
    const error = await failure(agent.invoke({}, runContext()));
    expect(error.code).toBe('AgentError');
    expect(error.message).toBe('the agent raised RangeError: the agent could not cope');
  });

  it('answers Cancelled at once when the run is aborted, even if the agent ignores its signal', async () => {
    const agent = adapter('function-agents.mjs:waitForever');
    const controller = new AbortController();
    const pending = failure(agent.invoke({}, runContext({ signal: controller.signal })));
    controller.abort();
    expect((await pending).code).toBe('Cancelled');
    const timeout = new AbortController();
    const timed = failure(agent.invoke({}, runContext({ signal: timeout.signal })));
    timeout.abort(new DOMException('deadline passed', 'TimeoutError'));
    expect((await timed).code).toBe('Timeout');
  });

  it('fails in-flight and later runs with AdapterStopped after close()', async () => {
    const agent = adapter('function-agents.mjs:waitForever');
    const pending = failure(agent.invoke({}, runContext()));
    await agent.close();
    expect((await pending).code).toBe('AdapterStopped');
    expect((await failure(agent.invoke({}, runContext()))).code).toBe('AdapterStopped');
  });

  it('rejects entrypoints that are not agents, with what to do', async () => {
    const zeroArgs = await failure(adapter('function-agents.mjs:fortyTwo').ready());
    expect(zeroArgs.code).toBe('AdapterCrashed');
    expect(zeroArgs.message).toContain('takes no arguments, so it was called as a factory, but it returned number');
    expect((await failure(adapter('function-agents.mjs:notAnAgent').ready())).message).toContain('notAnAgent is string, not a graph');
    expect((await failure(adapter('function-agents.mjs:missing').ready())).message).toMatch(/has no export named missing \(exports: .*echo/);
    expect((await failure(adapter('nowhere/agent:graph').ready())).message).toContain('cannot find module nowhere/agent');
    expect((await failure(adapter('../../js-adapter.test.ts:x').ready())).message).toContain('outside the agent project');
    const broken = adapter('function-agents.mjs:missing');
    expect((await failure(broken.invoke({}, runContext()))).code).toBe('AdapterCrashed');
  });
});

describe('JS adapter: trace propagation to the LLM proxy', () => {
  async function recordingServer(): Promise<{ url: string; seen: { url: string; headers: IncomingHttpHeaders }[] }> {
    const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((request, response) => {
      seen.push({ url: request.url ?? '', headers: request.headers });
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: 0,
            model: 'gpt-4o-mini',
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi there' } }],
            usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
          }),
        );
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('adds the run trace id to calls of an OpenAI client built at module load, only under the proxy URL', async () => {
    const proxy = await recordingServer();
    const agent = adapter('llm-agent.mjs:ask', { env: { OPENAI_BASE_URL: `${proxy.url}/v1` } });
    const context = runContext();
    expect(await agent.invoke({ question: 'hi?' }, context)).toEqual({ answer: 'hi there' });
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]?.url).toBe('/v1/chat/completions');
    expect(proxy.seen[0]?.headers[TRACE_HEADER]).toBe(context.traceId);

    const other = adapter('function-agents.mjs:fetchUrl');
    // Same origin, outside the proxy path: no trace id for it.
    await other.invoke({ url: `${proxy.url}/v1x/elsewhere` }, runContext());
    expect(proxy.seen[1]?.headers[TRACE_HEADER]).toBeUndefined();
    // Outside any run: no header either.
    await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(proxy.seen[2]?.headers[TRACE_HEADER]).toBeUndefined();
  });

  it('stops tagging requests once the adapter that registered the proxy is closed', async () => {
    const proxy = await recordingServer();
    const agent = adapter('function-agents.mjs:fetchUrl', { llmBaseUrl: `${proxy.url}/v1` });
    await agent.invoke({ url: `${proxy.url}/v1/chat/completions` }, runContext({ traceId: 'trace-open' }));
    await agent.close();
    const later = adapter('function-agents.mjs:fetchUrl');
    await later.invoke({ url: `${proxy.url}/v1/chat/completions` }, runContext({ traceId: 'trace-closed' }));
    expect(proxy.seen.map((request) => request.headers[TRACE_HEADER])).toEqual(['trace-open', undefined]);
  });
});

describe('createAgentAdapter', () => {
  it('builds the in-process adapter for JavaScript from the DockSpec entrypoint', async () => {
    const spec = { agent: { name: 'doubler', entrypoint: 'runnable-agent.mjs:doubler', framework: 'langchain' } } as unknown as DockSpec;
    const created = createAgentAdapter({ spec, projectDir, language: 'javascript', env: {}, logger: recordingLogger(), events: recordingSink() });
    adapters.push(created);
    expect(created.language).toBe('javascript');
    await created.ready();
    expect(await created.invoke({ n: 2 }, runContext())).toEqual({ doubled: 4 });
  });
});

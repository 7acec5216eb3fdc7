// The runtime with a real Python LangGraph agent (langgraph + langchain-core from PyPI) behind it:
// the agent plans a tool call the Dockfile does not allow; the call is refused before the tool
// runs (its side-effect file is never written) and the client gets 403 ToolDenied.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from './contracts';
import { startRuntime } from './runtime';
import type { RunningRuntime } from './runtime';
import { writeTestBundle } from './test-bundle';
import type { TestBundle } from './test-bundle';

const repoRoot = path.join(import.meta.dirname, '..', '..');
let bundle: TestBundle;
let runtime: RunningRuntime;
let scratch: string;
const events: TelemetryEvent[] = [];

beforeAll(async () => {
  const python = process.env.AGENTDOCK_TEST_PYTHON ?? execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-python-deps.sh')], { encoding: 'utf8' }).trim();
  scratch = mkdtempSync(path.join(tmpdir(), 'agentdock-py-'));
  bundle = await writeTestBundle({
    dockfile: `version: "1.0"
agent: { name: py-graph-agent, entrypoint: graph_agent:build_graph, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [marker], properties: { marker: { type: string }, messages: { type: array } } }
  output: { type: object }
policies:
  tools: { allowed: [search_docs], deny_by_default: true }
  safety: { max_output_chars: 5000 }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true, host: 127.0.0.1 }
`,
    settings: {
      agentVersion: 'v1',
      projectDir: path.join(import.meta.dirname, 'adapters', 'testdata', 'python'),
      language: 'python',
      pythonPath: python,
      provider: { mode: 'simulated' },
    },
  });
  runtime = await startRuntime({ bundleDir: bundle.dir, port: 0, logStream: new Writable({ write: (_c, _e, done) => done() }) });
  runtime.events.subscribe((event) => events.push(event));
  for (let i = 0; i < 600 && (await fetch(`${runtime.url}/ready`)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 50));
}, 60_000);

afterAll(async () => {
  await runtime?.close(2000);
  if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a Python LangGraph agent behind the runtime', () => {
  it('reports ready with the python language', async () => {
    expect(await (await fetch(`${runtime.url}/health`)).json()).toMatchObject({ status: 'healthy', language: 'python' });
  });

  it('denies a tool outside policies.tools.allowed before it runs: 403 ToolDenied', async () => {
    const marker = path.join(scratch, 'marker.txt');
    const response = await fetch(`${runtime.url}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': bundle.keys.developer!.raw },
      body: JSON.stringify({ marker, messages: [] }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'ToolDenied', code: 403 });
    expect(existsSync(marker)).toBe(false);
    const traceId = response.headers.get('x-trace-id');
    expect(events.some((event) => event.type === 'policy' && event.traceId === traceId && event.data.rule === 'tools.allowed')).toBe(true);
    expect(events.some((event) => event.type === 'run_end' && event.traceId === traceId && event.data.error === 'ToolDenied')).toBe(true);
  });
});

describe('a Python agent with Pydantic I/O classes', () => {
  let classBundle: TestBundle;
  let classRuntime: RunningRuntime;

  beforeAll(async () => {
    const python = process.env.AGENTDOCK_TEST_PYTHON ?? execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-python-deps.sh')], { encoding: 'utf8' }).trim();
    classBundle = await writeTestBundle({
      dockfile: `version: "1.0"
agent: { name: py-invoice-agent, entrypoint: pydantic_agent:summarize, framework: langchain }
model: { provider: openai, name: gpt-4o-mini }
io_schema: { input_class: pydantic_agent.InvoiceInput, output_class: pydantic_agent.InvoiceOutput }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true, host: 127.0.0.1 }
`,
      settings: { agentVersion: 'v1', projectDir: path.join(import.meta.dirname, 'adapters', 'testdata', 'python'), language: 'python', pythonPath: python, provider: { mode: 'simulated' } },
    });
    classRuntime = await startRuntime({ bundleDir: classBundle.dir, port: 0, logStream: new Writable({ write: (_c, _e, done) => done() }) });
    for (let i = 0; i < 600 && (await fetch(`${classRuntime.url}/ready`)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  }, 60_000);

  afterAll(async () => {
    await classRuntime?.close(2000);
    if (classBundle) rmSync(classBundle.dir, { recursive: true, force: true });
  });

  const invoke = (body: unknown) =>
    fetch(`${classRuntime.url}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': classBundle.keys.developer!.raw }, body: JSON.stringify(body) });

  it('serves the Pydantic JSON Schemas on /schema and /openapi.json', async () => {
    const schema = (await (await fetch(`${classRuntime.url}/schema`)).json()) as { input_schema: { required: string[]; properties: Record<string, unknown> } };
    expect(schema.input_schema.required).toEqual(['invoice_id', 'amount']);
    const openapi = (await (await fetch(`${classRuntime.url}/openapi.json`)).json()) as { components: { schemas: { Output: { title: string } } } };
    expect(openapi.components.schemas.Output.title).toBe('InvoiceOutput');
  });

  it('validates input against the Pydantic schema before the agent runs', async () => {
    const bad = await invoke({ invoice_id: 'INV-1' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toBe('input.amount is required');
    const good = await invoke({ invoice_id: 'INV-1', amount: 12.5 });
    expect(await good.json()).toEqual({ summary: 'Invoice INV-1: 12.50' });
  });
});

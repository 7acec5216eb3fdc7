// What the control panel needs from a running runtime, end to end with real agents: progress that
// agent code reports through the SDK (JavaScript in-process, Python through the adapter protocol)
// arrives as checked `progress` events with the run's trace id, and an approved budget increase
// written to budget.json is enforced after a reload, without a restart.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from './contracts';
import { startRuntime } from './runtime';
import type { RunningRuntime } from './runtime';
import { writeTestBundle } from './test-bundle';
import type { TestBundle } from './test-bundle';

const repoRoot = path.join(import.meta.dirname, '..', '..');

interface Started {
  bundle: TestBundle;
  runtime: RunningRuntime;
  events: TelemetryEvent[];
  logs: string[];
}

async function start(options: { name: string; entrypoint: string; projectDir: string; language: 'javascript' | 'python'; budgetUsd?: number; pythonPath?: string }): Promise<Started> {
  const bundle = await writeTestBundle({
    dockfile: `version: "1.0"
agent: { name: ${options.name}, entrypoint: "${options.entrypoint}", framework: langchain }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { reports: { type: array }, ask: { type: string } } }
  output: { type: object }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true, host: 127.0.0.1 }
`,
    settings: {
      agentVersion: 'v1',
      projectDir: options.projectDir,
      language: options.language,
      provider: { mode: 'simulated', simulated: { seed: 3 } },
      ...(options.pythonPath ? { pythonPath: options.pythonPath } : {}),
      ...(options.budgetUsd !== undefined ? { budget: { limitUsd: options.budgetUsd } } : {}),
    },
  });
  const logs: string[] = [];
  const runtime = await startRuntime({ bundleDir: bundle.dir, port: 0, logStream: new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) }) });
  const events: TelemetryEvent[] = [];
  runtime.events.subscribe((event) => events.push(event));
  for (let i = 0; i < 600 && (await fetch(`${runtime.url}/ready`)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return { bundle, runtime, events, logs };
}

async function stop(started: Started | undefined): Promise<void> {
  await started?.runtime.close(2000);
  if (started) rmSync(started.bundle.dir, { recursive: true, force: true });
}

async function invoke(started: Started, body: unknown): Promise<{ status: number; traceId: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${started.runtime.url}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': started.bundle.keys.developer!.raw },
    body: JSON.stringify(body),
  });
  return { status: response.status, traceId: response.headers.get('x-trace-id'), body: (await response.json()) as Record<string, unknown> };
}

const REPORTS = [
  { done: 23, total: 100, unit: 'leads' },
  { done: 130, total: 100, unit: 'leads' },
  { done: 1, total: 0, unit: 'leads' },
];

describe('a JavaScript agent', () => {
  let js: Started;
  beforeAll(async () => {
    if (!existsSync(path.join(repoRoot, 'out/runtime/sdk.js'))) execFileSync('npm', ['run', 'build:node'], { cwd: repoRoot, stdio: 'ignore' });
    js = await start({ name: 'js-control', entrypoint: 'agent.mjs:run', projectDir: path.join(import.meta.dirname, 'testdata', 'control-agent'), language: 'javascript', budgetUsd: 0 });
  }, 60_000);
  afterAll(() => stop(js));

  it('reports progress through the SDK: checked, clamped, with the run trace id; a bad report is refused and logged', async () => {
    const result = await invoke(js, { reports: REPORTS });
    expect(result).toMatchObject({ status: 200, body: { accepted: [true, true, false] } });
    const progress = js.events.filter((event) => event.type === 'progress');
    expect(progress.map((event) => [event.data, event.traceId])).toEqual([
      [{ done: 23, total: 100, unit: 'leads' }, result.traceId],
      [{ done: 100, total: 100, unit: 'leads', clamped: true }, result.traceId],
    ]);
    expect(js.logs.some((line) => line.includes('progress report ignored') && line.includes('total must be a finite number above 0'))).toBe(true);
  });

  it('enforces an approved budget increase from budget.json after a reload, without a restart', async () => {
    const refused = await invoke(js, { ask: 'hello' });
    expect(refused.status).not.toBe(200);
    expect(js.events.some((event) => event.type === 'budget' && event.data.level === 'blocked' && event.traceId === refused.traceId)).toBe(true);

    writeFileSync(path.join(js.bundle.dir, 'budget.json'), JSON.stringify({ limitUsd: 5, approvedBy: 'ann', approvedAt: new Date().toISOString() }));
    await js.runtime.reload();
    expect(js.runtime.budget.snapshot().limitUsd).toBe(5);
    expect(js.events.find((event) => event.type === 'budget' && event.data.level === 'limit_changed')).toMatchObject({ data: { previousLimitUsd: 0, limitUsd: 5 } });
    const allowed = await invoke(js, { ask: 'hello' });
    expect(allowed).toMatchObject({ status: 200, body: { answer: expect.any(String) } });
    const metrics = await (await fetch(`${js.runtime.url}/metrics`, { headers: { 'x-api-key': js.bundle.keys.admin!.raw } })).text();
    expect(metrics).toMatch(/agentdock_budget_limit_usd\{[^}]*\} 5\b/);

    // Removing the file goes back to runtime.json's limit.
    rmSync(path.join(js.bundle.dir, 'budget.json'));
    await js.runtime.reload();
    expect(js.runtime.budget.snapshot().limitUsd).toBe(0);
  });
});

describe('a Python agent', () => {
  let py: Started;
  beforeAll(async () => {
    py = await start({
      name: 'py-control',
      entrypoint: 'progress_agent:run',
      projectDir: path.join(import.meta.dirname, 'testdata', 'python-progress'),
      language: 'python',
      pythonPath: process.env.AGENTDOCK_TEST_PYTHON ?? 'python3',
    });
  }, 60_000);
  afterAll(() => stop(py));

  it('reports progress with agentdock.report_progress through the adapter protocol, checked by the runtime', async () => {
    const result = await invoke(py, { reports: REPORTS });
    // The adapter hands every report over; the runtime decides.
    expect(result).toMatchObject({ status: 200, body: { sent: [true, true, true] } });
    const deadline = Date.now() + 5000;
    while (py.events.filter((event) => event.type === 'progress').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(py.events.filter((event) => event.type === 'progress').map((event) => [event.data, event.traceId])).toEqual([
      [{ done: 23, total: 100, unit: 'leads' }, result.traceId],
      [{ done: 100, total: 100, unit: 'leads', clamped: true }, result.traceId],
    ]);
    expect(py.logs.some((line) => line.includes('progress report ignored'))).toBe(true);
  });
});

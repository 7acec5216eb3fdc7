import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LangfuseExporter } from './langfuse-exporter';
import type { LangfuseExporterOptions } from './langfuse-exporter';
import type { OtlpSpan, RunRecord } from './otlp-spans';

interface Receiver {
  url: string;
  /** Span ids of accepted requests, in arrival order. */
  accepted: string[];
  requests: Array<{ path: string; headers: IncomingHttpHeaders; spans: OtlpSpan[]; status: number }>;
  /** Status to answer the next requests with, consumed front to back; then 200. */
  plan: number[];
  /** Status once `plan` is used up. */
  after: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(plan: number[] = [], after = 200): Promise<Receiver> {
  const state: Receiver = { url: '', accepted: [], requests: [], plan, after };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const spans = (JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
      const status = state.plan.length > 0 ? (state.plan.shift() as number) : state.after;
      state.requests.push({ path: req.url ?? '', headers: req.headers, spans, status });
      if (status === 200) state.accepted.push(...spans.map((span) => span.spanId));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return state;
}

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-spool-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function exporter(host: string, dir: string, options: Partial<LangfuseExporterOptions> = {}): LangfuseExporter {
  const instance = new LangfuseExporter({
    host,
    publicKey: 'pk-lf-test',
    secretKey: 'sk-lf-test',
    agent: 'lead-gen',
    version: '1.2.0',
    spoolDir: dir,
    retries: 2,
    flushIntervalMs: 60_000,
    replayIntervalMs: 60_000,
    sleep: async () => {},
    ...options,
  });
  cleanups.push(() => instance.close());
  return instance;
}

let runNumber = 0;
function run(overrides: Partial<RunRecord> = {}): RunRecord {
  runNumber++;
  const start = Date.UTC(2025, 10, 2, 10, 12, 53) + runNumber;
  return {
    traceId: `0af7651916cd43dd${runNumber.toString(16).padStart(16, '0')}`,
    endpoint: '/invoke',
    startTimeMs: start,
    endTimeMs: start + 2140,
    status: 'ok',
    httpStatus: 200,
    role: 'developer',
    inputTokens: 1124,
    outputTokens: 731,
    costUsd: 0.0123,
    llmCalls: [{ provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 1124, outputTokens: 731 }, costUsd: 0.0123, latencyMs: 1500, endTimeMs: start + 1600, stream: false, simulated: true, status: 'ok' }],
    tools: [{ name: 'linkedin_lookup', startTimeMs: start + 1700, endTimeMs: start + 2100, status: 'ok' }],
    policyEvents: [{ stage: 'post_invoke', rule: 'ssn', action: 'redacted', count: 1, durationMs: 2, timeMs: start + 2130 }],
    ...overrides,
  };
}

const spoolFile = (dir: string): string => join(dir, 'langfuse-spool.jsonl');
const unique = (ids: string[]): number => new Set(ids).size;

describe('LangfuseExporter', () => {
  it('posts OTLP/JSON to /api/public/otel/v1/traces with Basic auth: a root span, a generation and a tool per run', async () => {
    const backend = await receiver();
    const langfuse = exporter(backend.url, spoolDir());
    await langfuse.start();
    langfuse.exportRun(run({ traceId: 'trace-not-hex' }));
    await langfuse.flush();
    expect(backend.requests).toHaveLength(1);
    const [request] = backend.requests;
    expect(request?.path).toBe('/api/public/otel/v1/traces');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('pk-lf-test:sk-lf-test').toString('base64')}`);
    expect(request?.headers['x-langfuse-ingestion-version']).toBe('4');
    const [root, generation, tool] = request?.spans ?? [];
    expect(root?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(generation?.parentSpanId).toBe(root?.spanId);
    expect(tool?.parentSpanId).toBe(root?.spanId);
    expect(root?.endTimeUnixNano).toBe(`${BigInt(Date.UTC(2025, 10, 2, 10, 12, 53) + runNumber + 2140) * 1_000_000n}`);
    const attributes = Object.fromEntries((generation?.attributes ?? []).map((entry) => [entry.key, Object.values(entry.value)[0]]));
    expect(attributes).toMatchObject({ 'langfuse.observation.type': 'generation', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': '1124', 'langfuse.observation.cost_details': '{"total":0.0123}' });
    expect(root?.events?.[0]?.name).toBe('policy');
    expect(langfuse.stats()).toMatchObject({ sent: 3, spooled: 0, dropped: 0, queued: 0 });
  });

  it('retries, spools a batch that keeps failing, then replays it after the next success: every span exactly once', async () => {
    const backend = await receiver([503, 503, 503]);
    const dir = spoolDir();
    const langfuse = exporter(backend.url, dir);
    await langfuse.start();
    langfuse.exportRun(run());
    await langfuse.flush();
    expect(backend.requests.map((request) => request.status)).toEqual([503, 503, 503]);
    expect(readFileSync(spoolFile(dir), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(langfuse.stats()).toMatchObject({ sent: 0, spooled: 3, spoolPending: 3 });

    langfuse.exportRun(run());
    await langfuse.flush();
    expect(backend.requests.map((request) => request.status)).toEqual([503, 503, 503, 200, 200]);
    expect(backend.accepted).toHaveLength(6);
    expect(unique(backend.accepted)).toBe(6);
    expect(langfuse.stats()).toMatchObject({ sent: 3, spooled: 3, replayed: 3, spoolPending: 0, dropped: 0 });
    expect(existsSync(spoolFile(dir))).toBe(false);

    await langfuse.flush();
    expect(backend.requests).toHaveLength(5);
  });

  it('replays the spool an earlier process left, on start', async () => {
    const down = await receiver([], 503);
    const dir = spoolDir();
    const first = exporter(down.url, dir);
    await first.start();
    first.exportRun(run());
    first.exportRun(run());
    await first.close();
    expect(first.stats()).toMatchObject({ sent: 0, spooled: 6 });

    const backend = await receiver();
    const second = exporter(backend.url, dir);
    await second.start();
    expect(backend.accepted).toHaveLength(6);
    expect(unique(backend.accepted)).toBe(6);
    expect(second.stats()).toMatchObject({ replayed: 6, spoolPending: 0 });
  });

  it('never re-sends a batch the backend acknowledged, even when replay is interrupted', async () => {
    const down = await receiver([], 503);
    const dir = spoolDir();
    const first = exporter(down.url, dir, { batchSize: 3 });
    await first.start();
    for (let i = 0; i < 3; i++) first.exportRun(run());
    await first.close();
    expect(readFileSync(spoolFile(dir), 'utf8').trim().split('\n')).toHaveLength(3);

    const flaky = await receiver([200], 503);
    const second = exporter(flaky.url, dir, { batchSize: 3 });
    await second.start();
    await second.close();
    expect(flaky.accepted).toHaveLength(3);

    const backend = await receiver();
    const third = exporter(backend.url, dir, { batchSize: 3 });
    await third.start();
    const all = [...flaky.accepted, ...backend.accepted];
    expect(backend.accepted).toHaveLength(6);
    expect(all).toHaveLength(9);
    expect(unique(all)).toBe(9);
  });

  it('caps the spool, dropping the oldest batches and counting them', async () => {
    const down = await receiver([], 503);
    const dir = spoolDir();
    const langfuse = exporter(down.url, dir, { batchSize: 3, maxSpoolBytes: 9_000, retries: 0 });
    await langfuse.start();
    const runs = Array.from({ length: 8 }, () => run());
    for (const record of runs) {
      langfuse.exportRun(record);
      await langfuse.flush();
    }
    const { dropped, spoolPending, spooled } = langfuse.stats();
    expect(spooled).toBe(24);
    expect(dropped).toBeGreaterThan(0);
    expect(dropped + spoolPending).toBe(24);
    expect(readFileSync(spoolFile(dir)).byteLength).toBeLessThanOrEqual(9_000);
    await langfuse.close();

    const backend = await receiver();
    const replay = exporter(backend.url, dir, { batchSize: 3 });
    await replay.start();
    const newestRoot = backend.requests.at(-1)?.spans[0]?.attributes.find((entry) => entry.key === 'agentdock.trace_id')?.value;
    expect(newestRoot).toEqual({ stringValue: runs.at(-1)?.traceId });
    expect(backend.accepted).toHaveLength(spoolPending);
  });

  it('drops a batch the backend rejects as malformed instead of spooling it forever', async () => {
    const backend = await receiver([400]);
    const dir = spoolDir();
    const langfuse = exporter(backend.url, dir);
    await langfuse.start();
    langfuse.exportRun(run());
    await langfuse.flush();
    expect(backend.requests).toHaveLength(1);
    expect(langfuse.stats()).toMatchObject({ dropped: 3, spooled: 0 });
    expect(existsSync(spoolFile(dir))).toBe(false);
  });

  it('never throws into the request path: bad records and calls after close are counted, not raised', async () => {
    const backend = await receiver();
    const langfuse = exporter(backend.url, spoolDir());
    await langfuse.start();
    expect(() => langfuse.exportRun(run({ startTimeMs: Number.NaN }))).not.toThrow();
    await langfuse.close();
    expect(() => langfuse.exportRun(run())).not.toThrow();
    expect(langfuse.stats().dropped).toBe(4);
    expect(backend.requests).toHaveLength(0);
  });
});

/**
 * `npm run bench:runtime`: what the AgentDock runtime costs, each figure against a baseline
 * measured in the same run on this machine. Prints; asserts nothing (shared, noisy machines).
 *
 * 1. Request overhead: an echo agent behind a bare node:http server vs behind the runtime with
 *    API-key auth, rate limiting, policy (PII + injection) and telemetry on. Goal: < 1 ms added p50.
 * 2. LLM proxy: calling the simulated provider through the proxy vs directly. Goal: < 0.5 ms p50.
 * 3. Policy engine: pre-invoke on a 4 KB payload with 10 patterns vs a JSON round trip of it.
 * 4. Cold start: runtime process start to /ready vs a bare Node HTTP server start to listening.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { measureProxyOverhead } from '../src-main/runtime/llm';
import { percentiles } from '../src-shared/util/percentiles';
import { createPolicyBenchFixture } from '../src-main/runtime/policy/policy-bench-fixture';
import { startRuntime } from '../src-main/runtime/runtime';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 10;
const root = path.join(import.meta.dirname, '..');
const rawKey = `adk_${'B'.repeat(32)}`;
const body = JSON.stringify({ text: 'Please summarise the attached quarterly report for the finance team.' });

const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;

/** A config bundle for an echo agent with auth, policy and telemetry on. */
function writeEchoBundle(logLevel: 'info' | 'warn' = 'warn'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentdock-bench-'));
  const agentDir = path.join(dir, 'agent');
  mkdirSync(agentDir);
  writeFileSync(path.join(agentDir, 'agent.mjs'), 'export async function echo(input) { return { text: input.text }; }\n');
  const spec = {
    version: '1.0',
    agent: { name: 'echo-agent', entrypoint: 'agent.mjs:echo', framework: 'langgraph' },
    model: { provider: 'openai', name: 'gpt-4o-mini' },
    io_schema: { input: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } }, output: { type: 'object', properties: { text: { type: 'string' } } } },
    policies: { tools: { allowed: [], deny_by_default: true }, safety: { redact_patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b'], max_output_chars: 5000, block_prompt_injection: true, halt_on_violation: false } },
    auth: { mode: 'api_key', api_keys: { enabled: true }, rate_limits: { developer: '1000000/s' } },
    observability: { tracing: true, log_level: logLevel, metrics: { latency: true, tokens: true, cost: true } },
    expose: { rest: true, streaming: 'sse', port: 8080, host: '127.0.0.1' },
    arguments: {},
    metadata: {},
  };
  writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  writeFileSync(path.join(dir, 'runtime.json'), JSON.stringify({ agentVersion: 'bench', projectDir: agentDir, language: 'javascript', provider: { mode: 'simulated' } }));
  writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ keys: [{ id: 'bench', hash: createHash('sha256').update(rawKey).digest('hex'), role: 'developer' }] }));
  writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ auditHashKey: 'bench-only-audit-key-0123456789' }), { mode: 0o600 });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function load(url: string, headers: Record<string, string>): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections: CONNECTIONS, duration: DURATION_S });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** The echo agent behind a bare node:http server and behind the runtime, started once for both measurements. */
async function startEchoPair(): Promise<{ bareUrl: string; runtimeUrl: string; close(): Promise<void> }> {
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
      const out = JSON.stringify({ text: input.text });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bundle = writeEchoBundle();
  const runtime = await startRuntime({ bundleDir: bundle.dir, port: 0, logStream: process.stderr });
  for (let i = 0; i < 200 && (await fetch(`${runtime.url}/ready`)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return {
    bareUrl: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/invoke`,
    runtimeUrl: `${runtime.url}/invoke`,
    async close() {
      await runtime.close(1000);
      await new Promise<void>((resolve) => bare.close(() => resolve()));
      bundle.cleanup();
    },
  };
}

async function requestOverhead(): Promise<void> {
  const pair = await startEchoPair();
  const auth = { 'x-api-key': rawKey };
  await load(pair.bareUrl, {}); // warm-up
  const baseline = await load(pair.bareUrl, {});
  await load(pair.runtimeUrl, auth);
  const governed = await load(pair.runtimeUrl, auth);
  console.log(`\n1. Request overhead — echo agent, ${CONNECTIONS} connections, ${DURATION_S} s each (autocannon)`);
  console.log(`${'server'.padEnd(44)}${'req/s'.padStart(10)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'errors'.padStart(8)}`);
  for (const [name, r] of [['bare node:http (baseline)', baseline], ['runtime: auth + policy + telemetry', governed]] as const) {
    console.log(`${name.padEnd(44)}${r.rps.toFixed(0).padStart(10)}${`${r.p50} ms`.padStart(10)}${`${r.p99} ms`.padStart(10)}${String(r.errors).padStart(8)}`);
  }
  console.log(`added latency p50: ${governed.p50 - baseline.p50} ms (autocannon resolution is 1 ms); throughput ratio ${(governed.rps / baseline.rps).toFixed(2)}× of baseline`);
  // Under load the p50 above is queueing-dominated; a sequential pass isolates per-request cost.
  const sequentialBaseline = percentiles(await timeSequential(pair.bareUrl, {}));
  const sequentialRuntime = percentiles(await timeSequential(pair.runtimeUrl, auth));
  console.log(`sequential, 2000 requests: baseline p50 ${fmt(sequentialBaseline.p50)}, runtime p50 ${fmt(sequentialRuntime.p50)}, added p50 ${fmt(sequentialRuntime.p50 - sequentialBaseline.p50)} (goal < 1 ms)`);
  await pair.close();
}

/** Per-request latency of 2,000 sequential requests after 300 warm-up ones. */
async function timeSequential(url: string, headers: Record<string, string>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < 2300; i++) {
    const start = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await response.arrayBuffer();
    if (i >= 300) samples.push(performance.now() - start);
  }
  return samples;
}

async function proxyOverhead(): Promise<void> {
  console.log('\n2. LLM proxy added latency — simulated provider, 300 calls each, direct vs through the proxy');
  for (const provider of ['openai', 'anthropic'] as const) {
    for (const stream of [false, true]) {
      const report = await measureProxyOverhead({ provider, stream, requests: 300, warmup: 50, outputTokens: 32 });
      console.log(
        `${`${provider}${stream ? ' stream' : ''}`.padEnd(18)} direct p50 ${fmt(report.directMs.p50)}  proxied p50 ${fmt(report.proxiedMs.p50)}  added p50 ${fmt(report.addedMs.p50)} p95 ${fmt(report.addedMs.p95)}  (proxy-internal p50 ${fmt(report.internalMs.p50)}; goal < 0.5 ms)`,
      );
    }
  }
  // A deployed replica also writes its spend to its state dir after every call (budget-store.ts).
  const spendDir = mkdtempSync(path.join(tmpdir(), 'agentdock-bench-spend-'));
  try {
    const inMemory = await measureProxyOverhead({ provider: 'openai', requests: 300, warmup: 50, outputTokens: 32 });
    const onDisk = await measureProxyOverhead({ provider: 'openai', requests: 300, warmup: 50, outputTokens: 32, spendDir });
    console.log(
      `${'openai, spend kept'.padEnd(18)} added p50 ${fmt(onDisk.addedMs.p50)} p95 ${fmt(onDisk.addedMs.p95)} vs in memory p50 ${fmt(inMemory.addedMs.p50)} p95 ${fmt(inMemory.addedMs.p95)} (ratio p50 ${(onDisk.proxiedMs.p50 / inMemory.proxiedMs.p50).toFixed(2)}× proxied latency)`,
    );
  } finally {
    rmSync(spendDir, { recursive: true, force: true });
  }
}

function policyEngine(): void {
  const fixture = createPolicyBenchFixture();
  const size = JSON.stringify(fixture.input).length;
  const sample = (fn: () => unknown): ReturnType<typeof percentiles> => {
    for (let i = 0; i < 500; i++) fn();
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const start = performance.now();
      fn();
      times.push(performance.now() - start);
    }
    return percentiles(times);
  };
  const baseline = sample(() => JSON.parse(JSON.stringify(fixture.input)));
  const pre = sample(() => fixture.engine.preInvoke(fixture.input, 'bench'));
  const round = sample(() => fixture.runOnce());
  console.log(`\n3. Policy engine — ${size}-byte payload, 10 redact patterns + built-in PII and injection detectors, 5000 samples`);
  console.log(`JSON round trip of the payload (baseline)  p50 ${fmt(baseline.p50)}  p95 ${fmt(baseline.p95)}`);
  console.log(`preInvoke                                  p50 ${fmt(pre.p50)}  p95 ${fmt(pre.p95)}  ratio p50 ${(pre.p50 / baseline.p50).toFixed(1)}×`);
  console.log(`preInvoke + postInvoke                     p50 ${fmt(round.p50)}  p95 ${fmt(round.p95)}`);
}

async function coldStart(): Promise<void> {
  const runs = 5;
  const startUntil = async (args: string[], env: Record<string, string>, ready: (line: string) => string | undefined, probe?: string): Promise<number> => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    // Keep reading after the URL shows up: the child goes on logging into the pipe.
    const url = await new Promise<string | undefined>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += String(chunk);
        const found = output.split('\n').map(ready).find(Boolean);
        if (found) resolve(found);
      });
      child.once('exit', () => resolve(undefined));
    });
    if (probe && url) while ((await fetch(`${url}${probe}`).catch(() => undefined))?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 5));
    const elapsed = performance.now() - start;
    child.kill('SIGKILL');
    return elapsed;
  };
  // Log level info: the runtime announces its URL in the 'runtime listening' line.
  const bundle = writeEchoBundle('info');
  const baseline: number[] = [];
  const runtime: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(await startUntil(['-e', "const s=require('http').createServer().listen(0,'127.0.0.1',()=>console.log('http://127.0.0.1:'+s.address().port))"], {}, (line) => (line.startsWith('http') ? line.trim() : undefined)));
    runtime.push(
      await startUntil([path.join(root, 'out/runtime/agentdock-runtime.js')], { AGENTDOCK_CONFIG_DIR: bundle.dir, AGENTDOCK_PORT: '0' }, (line) => {
        try {
          const parsed = JSON.parse(line) as { msg?: string; url?: string };
          return parsed.msg === 'runtime listening' ? parsed.url : undefined;
        } catch {
          return undefined;
        }
      }, '/ready'),
    );
  }
  bundle.cleanup();
  const b = percentiles(baseline);
  const r = percentiles(runtime);
  console.log(`\n4. Cold start — ${runs} runs of the bundled runtime (out/runtime/agentdock-runtime.js)`);
  console.log(`bare Node HTTP server to listening (baseline)  p50 ${fmt(b.p50)}`);
  console.log(`runtime process to /ready 200                  p50 ${fmt(r.p50)}  ratio ${(r.p50 / b.p50).toFixed(1)}×`);
}

console.log(`AgentDock runtime benchmark — Node ${process.versions.node}, ${new Date().toISOString()}`);
if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "request") await requestOverhead();
if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "proxy") await proxyOverhead();
if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "policy") policyEngine();
await coldStart();

/**
 * Measures the latency the proxy adds, for the runtime benchmark (bench/runtime) and the notes:
 * the same request is sent straight to a zero-latency simulated provider and through the proxy,
 * interleaved so both see the same machine state, and the percentiles are compared. The
 * proxy's own processing time per call (what it reports as `overheadMs` on `llm_call`) is
 * reported beside it; the difference is the extra HTTP hop on loopback.
 */
import type { Percentiles } from '../../../src-shared/util/percentiles';
import { percentiles } from '../../../src-shared/util/percentiles';
import type { TelemetryEventType } from '../contracts';
import { Budget } from './budget';
import { fileBudgetStore } from './budget-store';
import { LlmProxy } from './llm-proxy';
import type { LlmProvider } from './llm-types';
import { serveProxy } from './serve-proxy';
import { startSimulatedProvider } from './simulated-provider';

export interface OverheadReport {
  provider: LlmProvider;
  stream: boolean;
  requests: number;
  outputTokens: number;
  /** Client-observed ms, request to last byte, straight to the provider. */
  directMs: Percentiles;
  /** The same, through the proxy. */
  proxiedMs: Percentiles;
  /** proxied − direct, percentile by percentile. */
  addedMs: Percentiles;
  /** The proxy's own processing per call (parse, price, reserve, guard, meter), in ms. */
  internalMs: Percentiles;
}

/** Runs the comparison; starts and stops its own simulator and proxy on 127.0.0.1. */
export async function measureProxyOverhead(
  options: { provider?: LlmProvider; stream?: boolean; requests?: number; warmup?: number; outputTokens?: number; /** Keep the budget's spend in this dir, as a deployed replica does. */ spendDir?: string } = {},
): Promise<OverheadReport> {
  const provider = options.provider ?? 'openai';
  const stream = options.stream ?? false;
  const requests = options.requests ?? 200;
  const outputTokens = options.outputTokens ?? 64;
  const simulator = await startSimulatedProvider({ outputTokens });
  const internal: number[] = [];
  const events = {
    emit(type: TelemetryEventType, data: Record<string, unknown>): void {
      if (type === 'llm_call' && typeof data.overheadMs === 'number') internal.push(data.overheadMs);
    },
  };
  const metrics = { increment: () => undefined, observe: () => undefined, set: () => undefined };
  const proxy = new LlmProxy({
    provider: { mode: 'simulated', openaiBaseUrl: simulator.openaiBaseUrl, anthropicBaseUrl: simulator.anthropicBaseUrl },
    providerKeys: () => ({}),
    agentToken: 'bench-agent-token',
    budget: new Budget({ limitUsd: null, ...(options.spendDir ? { store: fileBudgetStore(options.spendDir, (message) => console.warn(message)) } : {}) }, events),
    events,
    metrics,
  });
  const server = await serveProxy(proxy);
  const path = provider === 'openai' ? '/v1/chat/completions' : '/v1/messages';
  const body = JSON.stringify({
    model: provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5',
    max_tokens: 1024,
    stream,
    messages: [{ role: 'user', content: 'Score this lead for fit with our product, in two sentences.' }],
  });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-agent-token', 'x-api-key': 'bench-agent-token', 'anthropic-version': '2023-06-01' };
  const timed = async (url: string): Promise<number> => {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers, body });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return performance.now() - started;
  };
  try {
    const direct: number[] = [];
    const proxied: number[] = [];
    for (let index = 0; index < (options.warmup ?? 20); index += 1) {
      await timed(simulator.url + path);
      await timed(server.url + path);
    }
    internal.length = 0;
    for (let index = 0; index < requests; index += 1) {
      direct.push(await timed(simulator.url + path));
      proxied.push(await timed(server.url + path));
    }
    const directMs = percentiles(direct);
    const proxiedMs = percentiles(proxied);
    return {
      provider,
      stream,
      requests,
      outputTokens,
      directMs,
      proxiedMs,
      addedMs: { p50: proxiedMs.p50 - directMs.p50, p95: proxiedMs.p95 - directMs.p95, p99: proxiedMs.p99 - directMs.p99, mean: proxiedMs.mean - directMs.mean },
      internalMs: percentiles(internal),
    };
  } finally {
    await server.close();
    await simulator.close();
  }
}

/**
 * Test wiring for the LLM proxy: an in-memory event sink and metrics registry that record what
 * they are given, and a harness that runs the real chain — a node:http server routing the two
 * paths to `LlmProxy.handle` (serve-proxy.ts), the proxy, and the simulated provider behind it —
 * on 127.0.0.1.
 */
import { afterEach } from 'vitest';
import type { EventSink, Metrics, TelemetryEventType } from '../contracts';
import { Budget } from './budget';
import { LlmProxy } from './llm-proxy';
import type { LlmProxyOptions } from './llm-proxy';
import { startSimulatedProvider } from './simulated-provider';
import type { SimulatedProvider, SimulatedProviderOptions } from './simulated-provider';
import { serveProxy } from './serve-proxy';
import type { RunningProxy } from './serve-proxy';

export interface RecordedEvent {
  type: TelemetryEventType;
  data: Record<string, unknown>;
  traceId?: string;
}

/** An EventSink that keeps every event and lets a test wait for one. */
export class RecordingEvents implements EventSink {
  readonly events: RecordedEvent[] = [];
  private readonly waiters: Array<{ match: (event: RecordedEvent) => boolean; resolve: (event: RecordedEvent) => void }> = [];

  emit(type: TelemetryEventType, data: Record<string, unknown>, traceId?: string): void {
    const event: RecordedEvent = traceId === undefined ? { type, data } : { type, data, traceId };
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(event)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  }

  ofType(type: TelemetryEventType): RecordedEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  /** Resolves with the first event (already recorded or still to come) that matches. */
  waitFor(match: (event: RecordedEvent) => boolean): Promise<RecordedEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`);
  return `${name}{${pairs.join(',')}}`;
}

/** A Metrics implementation that keeps counter sums, gauges and observations by series. */
export class RecordingMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();
  readonly observations = new Map<string, number[]>();

  increment(name: string, labels?: Record<string, string>, by = 1): void {
    const key = seriesKey(name, labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  observe(name: string, value: number, labels?: Record<string, string>): void {
    const key = seriesKey(name, labels);
    this.observations.set(key, [...(this.observations.get(key) ?? []), value]);
  }

  set(name: string, value: number, labels?: Record<string, string>): void {
    this.gauges.set(seriesKey(name, labels), value);
  }

  counter(name: string, labels?: Record<string, string>): number {
    return this.counters.get(seriesKey(name, labels)) ?? 0;
  }
}

export const AGENT_TOKEN = 'agent-token-for-tests';
export const REAL_KEYS = { openai: 'sk-real-openai-1', anthropic: 'sk-ant-real-1' };

export interface Harness {
  simulator: SimulatedProvider;
  proxy: LlmProxy;
  server: RunningProxy;
  budget: Budget;
  events: RecordingEvents;
  metrics: RecordingMetrics;
  /** The keys the proxy reads and the simulator expects; mutate to rotate. */
  keys: { openai: string; anthropic: string };
  /** Waits the proxy's retry sleeps asked for, in order (the sleeps return at once). */
  sleeps: number[];
  close(): Promise<void>;
}

/** Starts simulator → proxy → server with a budget; `proxy` options override the defaults. */
export async function startHarness(
  setup: { simulator?: SimulatedProviderOptions; limitUsd?: number | null; proxy?: Partial<LlmProxyOptions> } = {},
): Promise<Harness> {
  const keys = { ...REAL_KEYS };
  const simulator = await startSimulatedProvider({ expectedKeys: () => keys, ...setup.simulator });
  const events = new RecordingEvents();
  const metrics = new RecordingMetrics();
  const budget = new Budget({ limitUsd: setup.limitUsd ?? null }, events);
  const sleeps: number[] = [];
  const proxy = new LlmProxy({
    provider: { mode: 'forward', openaiBaseUrl: simulator.openaiBaseUrl, anthropicBaseUrl: simulator.anthropicBaseUrl },
    providerKeys: () => keys,
    agentToken: AGENT_TOKEN,
    budget,
    events,
    metrics,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...setup.proxy,
  });
  const server = await serveProxy(proxy);
  return {
    simulator,
    proxy,
    server,
    budget,
    events,
    metrics,
    keys,
    sleeps,
    close: async () => {
      await server.close();
      await simulator.close();
    },
  };
}

/** For one test file: starts harnesses, and closes every one it started after each test. */
export function harnessPerTest(): (setup?: Parameters<typeof startHarness>[0]) => Promise<Harness> {
  const open: Harness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((harness) => harness.close()));
  });
  return async (setup = {}) => {
    const started = await startHarness(setup);
    open.push(started);
    return started;
  };
}

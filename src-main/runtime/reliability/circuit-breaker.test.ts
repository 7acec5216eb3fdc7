import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contracts';
import { EventBus } from '../telemetry/event-bus';
import { METRIC } from '../telemetry/metric-names';
import { createRuntimeMetrics } from '../telemetry/runtime-metrics';
import { BreakerRegistry, sharedBreakerRegistry } from './breaker-registry';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';
import type { CircuitBreakerOptions } from './circuit-breaker';
import { breakerRegistry } from '../sdk/index';

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  let now = 0;
  const bus = new EventBus({ agent: 'lead-gen', version: '1.2.0' });
  const events: TelemetryEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const metrics = createRuntimeMetrics({ agent: 'lead-gen', version: '1.2.0' });
  const breaker = new CircuitBreaker({ service: 'linkedin', clock: () => now, events: bus, metrics, costPerCallUsd: 0.1, ...options });
  return {
    breaker,
    metrics,
    transitions: () => events.filter((event) => event.type === 'breaker').map((event) => `${event.data.from}->${event.data.to}:${event.data.reason}`),
    advance: (ms: number) => (now += ms),
  };
}

const fail = (): Promise<never> => Promise.reject(new Error('429 rate limited'));
const cache = { tier: 'cache', run: () => 'cached profile' };

describe('CircuitBreaker', () => {
  it('opens after five consecutive failures (the default), serving the cache meanwhile', async () => {
    const { breaker, metrics, transitions } = setup();
    for (let i = 0; i < 4; i++) {
      expect(await breaker.call(fail, cache)).toEqual({ value: 'cached profile', tier: 'cache' });
      expect(breaker.state).toBe('CLOSED');
    }
    await breaker.call(fail, cache);
    expect(breaker.state).toBe('OPEN');
    expect(transitions()).toEqual(['CLOSED->OPEN:failure_threshold']);
    expect(metrics.value(METRIC.breakerState, { service: 'linkedin' })).toBe(2);
  });

  it('counts consecutive failures only: a success in between resets the count', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 4; i++) await breaker.call(fail, cache);
    await breaker.call(async () => 'fresh');
    for (let i = 0; i < 4; i++) await breaker.call(fail, cache);
    expect(breaker.state).toBe('CLOSED');
  });

  it('blocks the primary while open, until the 60 s cooldown; one successful trial closes it', async () => {
    const { breaker, metrics, transitions, advance } = setup();
    for (let i = 0; i < 5; i++) await breaker.call(fail, cache);
    let primaryCalls = 0;
    const primary = async (): Promise<string> => {
      primaryCalls++;
      return 'fresh profile';
    };
    expect(await breaker.call(primary, cache)).toEqual({ value: 'cached profile', tier: 'cache' });
    expect(primaryCalls).toBe(0);
    advance(59_999);
    expect(breaker.state).toBe('OPEN');
    advance(1);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(metrics.value(METRIC.breakerState, { service: 'linkedin' })).toBe(1);
    expect(await breaker.call(primary, cache)).toEqual({ value: 'fresh profile', tier: 'primary' });
    expect(breaker.state).toBe('CLOSED');
    expect(metrics.value(METRIC.breakerState, { service: 'linkedin' })).toBe(0);
    expect(transitions()).toEqual(['CLOSED->OPEN:failure_threshold', 'OPEN->HALF_OPEN:cooldown_elapsed', 'HALF_OPEN->CLOSED:trial_succeeded']);
  });

  it('reopens for a full cooldown when the trial fails', async () => {
    const { breaker, transitions, advance } = setup();
    for (let i = 0; i < 5; i++) await breaker.call(fail, cache);
    advance(60_000);
    expect(await breaker.call(fail, cache)).toEqual({ value: 'cached profile', tier: 'cache' });
    expect(breaker.state).toBe('OPEN');
    advance(59_999);
    expect(breaker.state).toBe('OPEN');
    advance(1);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(transitions().slice(-3)).toEqual(['OPEN->HALF_OPEN:cooldown_elapsed', 'HALF_OPEN->OPEN:trial_failed', 'OPEN->HALF_OPEN:cooldown_elapsed']);
  });

  it('lets only halfOpenMaxCalls trials through at once; the others get fallbacks', async () => {
    const { breaker, advance } = setup({ halfOpenMaxCalls: 1 });
    for (let i = 0; i < 5; i++) await breaker.call(fail, cache);
    advance(60_000);
    let release!: (value: string) => void;
    const slowTrial = breaker.call(() => new Promise<string>((resolve) => (release = resolve)), cache);
    let secondPrimaryRan = false;
    const second = await breaker.call(async () => {
      secondPrimaryRan = true;
      return 'fresh';
    }, cache);
    expect(second.tier).toBe('cache');
    expect(secondPrimaryRan).toBe(false);
    release('fresh');
    expect((await slowTrial).tier).toBe('primary');
    expect(breaker.state).toBe('CLOSED');
  });

  it('falls through the tiers in order, and counts blocked calls and cost saved ($6.60 for 66 blocked at $0.10)', async () => {
    const { breaker, metrics } = setup();
    const brokenCache = {
      tier: 'cache',
      run: () => {
        throw new Error('cache miss');
      },
    };
    const placeholder = { tier: 'placeholder', run: () => ({ name: 'unknown' }) };
    for (let i = 0; i < 5; i++) expect((await breaker.call(fail, brokenCache, placeholder)).tier).toBe('placeholder');
    for (let i = 0; i < 66; i++) await breaker.call(async () => 'fresh', cache);
    expect(breaker.stats()).toEqual({
      service: 'linkedin',
      state: 'OPEN',
      calls: 71,
      successes: 0,
      failures: 5,
      consecutiveFailures: 5,
      blocked: 66,
      fallbackServed: 71,
      fallbackFailures: 5,
      costSavedUsd: 6.6,
      byTier: { placeholder: 5, cache: 66 },
      successRate: 1,
      fallbackRate: 1,
    });
    expect(metrics.value(METRIC.breakerCallsBlocked, { service: 'linkedin' })).toBe(66);
    expect(metrics.value(METRIC.breakerCostSaved, { service: 'linkedin' })).toBeCloseTo(6.6, 9);
    expect(metrics.value(METRIC.breakerCalls, { service: 'linkedin', tier: 'cache' })).toBe(66);
  });

  it('reports the success rate counting fallbacks ("98 % via fallback")', async () => {
    const { breaker } = setup({ failureThreshold: 100 });
    for (let i = 0; i < 49; i++) await breaker.call(fail, cache);
    await expect(breaker.call(fail)).rejects.toThrow('429 rate limited');
    expect(breaker.stats().successRate).toBeCloseTo(0.98, 10);
    expect(breaker.stats().fallbackRate).toBeCloseTo(0.98, 10);
  });

  it('rethrows the primary error when nothing can answer, and CircuitOpenError when open', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    await expect(breaker.call(fail)).rejects.toThrow('429 rate limited');
    const error = await breaker.call(async () => 'fresh').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ code: 'CircuitOpen', service: 'linkedin' });
  });

  it('never lets a broken event sink or metrics fail the call', async () => {
    const breaker = new CircuitBreaker({
      service: 'svc',
      failureThreshold: 1,
      events: {
        emit: () => {
          throw new Error('sink down');
        },
      },
      metrics: {
        increment: () => {
          throw new Error('metrics down');
        },
        observe: () => {},
        set: () => {
          throw new Error('metrics down');
        },
      },
    });
    expect((await breaker.call(fail, cache)).tier).toBe('cache');
    expect(breaker.state).toBe('OPEN');
    expect((await breaker.call(fail, cache)).tier).toBe('cache');
  });

  it('refuses nonsensical settings', () => {
    expect(() => new CircuitBreaker({ service: 'x', failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ service: 'x', cooldownMs: -1 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ service: '' })).toThrow();
  });
});

describe('BreakerRegistry', () => {
  it('keeps one breaker per service and reports through telemetry attached later', async () => {
    const registry = new BreakerRegistry({ failureThreshold: 2 });
    const early = registry.get('clearbit');
    expect(registry.get('clearbit')).toBe(early);
    const metrics = createRuntimeMetrics({ agent: 'a', version: '1' });
    registry.attach({ metrics });
    expect(metrics.value(METRIC.breakerState, { service: 'clearbit' })).toBe(0);
    const late = registry.get('linkedin', { failureThreshold: 1 });
    await late.call(fail, cache);
    await early.call(fail, cache);
    expect(metrics.value(METRIC.breakerState, { service: 'linkedin' })).toBe(2);
    expect(metrics.value(METRIC.breakerState, { service: 'clearbit' })).toBe(0);
    await early.call(fail, cache);
    expect(metrics.value(METRIC.breakerState, { service: 'clearbit' })).toBe(2);
    expect(registry.stats().map((stats) => [stats.service, stats.state])).toEqual([
      ['clearbit', 'OPEN'],
      ['linkedin', 'OPEN'],
    ]);
  });

  it('the SDK singleton is the process-wide shared registry', () => {
    expect(breakerRegistry).toBe(sharedBreakerRegistry());
  });
});

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
    breakerEvents: () => events.filter((event) => event.type === 'breaker').map((event) => event.data),
    advance: (ms: number) => (now += ms),
  };
}

const fail = (): Promise<never> => Promise.reject(new Error('429 rate limited'));
const cache = { tier: 'cache', run: () => 'cached profile' };

describe('CircuitBreaker', () => {
  it('opens after five consecutive failures (the default), serving the cache meanwhile', async () => {
    const { breaker, metrics, transitions } = setup();
    for (let i = 0; i < 4; i++) {
      expect(await breaker.call(fail, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 1 });
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
    expect(await breaker.call(primary, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 0 });
    expect(primaryCalls).toBe(0);
    advance(59_999);
    expect(breaker.state).toBe('OPEN');
    advance(1);
    expect(breaker.state).toBe('HALF_OPEN');
    expect(metrics.value(METRIC.breakerState, { service: 'linkedin' })).toBe(1);
    expect(await breaker.call(primary, cache)).toEqual({ value: 'fresh profile', tier: 'primary', attempts: 1 });
    expect(breaker.state).toBe('CLOSED');
    expect(metrics.value(METRIC.breakerState, { service: 'linkedin' })).toBe(0);
    expect(transitions()).toEqual(['CLOSED->OPEN:failure_threshold', 'OPEN->HALF_OPEN:cooldown_elapsed', 'HALF_OPEN->CLOSED:trial_succeeded']);
  });

  it('reopens for a full cooldown when the trial fails', async () => {
    const { breaker, transitions, advance } = setup();
    for (let i = 0; i < 5; i++) await breaker.call(fail, cache);
    advance(60_000);
    expect(await breaker.call(fail, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 1 });
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
      retries: 0,
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

const withStatus = (status: number, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(`upstream ${status}`), { status }, extra);
const rateLimited = (retryAfterMs?: number): Error => withStatus(429, retryAfterMs === undefined ? {} : { retryAfterMs });

/** A sleep that records and returns at once: the schedule is asserted, not waited for. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

/** A primary answering from a script, one outcome per attempt (the last repeats); counts its attempts. */
function scripted(...outcomes: Array<string | Error>): { run: () => Promise<string>; attempts: () => number } {
  let attempts = 0;
  const run = async (): Promise<string> => {
    const outcome = outcomes[Math.min(attempts++, outcomes.length - 1)] ?? new Error('the script has no outcomes');
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
  return { run, attempts: () => attempts };
}

describe('CircuitBreaker with retries inside the call', () => {
  it('the demo: a 429ing API is tried 5 times in one call, the 5th failure opens the circuit and the cache answers that call', async () => {
    const { sleep, slept } = recordingSleep();
    const { breaker, transitions, breakerEvents, advance } = setup({ failureThreshold: 5, retry: { attempts: 5, sleep } });
    const linkedin = scripted(rateLimited(1_000));
    expect(await breaker.call(linkedin.run, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 5 });
    expect(linkedin.attempts()).toBe(5);
    expect(slept).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(breaker.state).toBe('OPEN');
    expect(breakerEvents()).toEqual([expect.objectContaining({ to: 'OPEN', reason: 'failure_threshold', consecutiveFailures: 5, failureThreshold: 5 })]);

    expect(await breaker.call(linkedin.run, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 0 });
    expect(linkedin.attempts()).toBe(5);

    advance(60_000);
    expect(await breaker.call(linkedin.run, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 1 });
    expect(linkedin.attempts()).toBe(6);
    expect(slept).toHaveLength(4);
    expect(transitions()).toEqual(['CLOSED->OPEN:failure_threshold', 'OPEN->HALF_OPEN:cooldown_elapsed', 'HALF_OPEN->OPEN:trial_failed']);
    expect(breaker.stats()).toMatchObject({ state: 'OPEN', calls: 3, successes: 0, failures: 6, retries: 4, blocked: 1, fallbackServed: 3, byTier: { cache: 3 } });
  });

  it('stops the attempts as soon as one opens the circuit, counting the failures of earlier calls', async () => {
    const { sleep, slept } = recordingSleep();
    const { breaker } = setup({ failureThreshold: 3, retry: { attempts: 5, sleep } });
    await breaker.call(fail, cache);
    const linkedin = scripted(rateLimited(0));
    expect(await breaker.call(linkedin.run, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 2 });
    expect(linkedin.attempts()).toBe(2);
    expect(slept).toEqual([0]);
    expect(breaker.stats()).toMatchObject({ state: 'OPEN', calls: 2, failures: 3, consecutiveFailures: 3, retries: 1 });
  });

  it('does not retry errors a retry cannot cure (400), unless isRetryable says so', async () => {
    const { sleep, slept } = recordingSleep();
    const { breaker } = setup({ retry: { attempts: 5, sleep } });
    const badRequest = scripted(withStatus(400));
    expect(await breaker.call(badRequest.run, cache)).toEqual({ value: 'cached profile', tier: 'cache', attempts: 1 });
    expect(slept).toEqual([]);
    expect(breaker.stats()).toMatchObject({ failures: 1, consecutiveFailures: 1, retries: 0 });

    const { breaker: lenient } = setup({ retry: { attempts: 2, sleep, isRetryable: (error) => error instanceof Error && error.message === 'upstream 400' } });
    expect(await lenient.call(scripted(withStatus(400), 'fresh').run)).toEqual({ value: 'fresh', tier: 'primary', attempts: 2 });
  });

  it('a success on the 3rd attempt answers from the primary and resets the consecutive failures', async () => {
    const { sleep, slept } = recordingSleep();
    const { breaker } = setup({ retry: { attempts: 5, baseMs: 100, jitter: 0, sleep } });
    await breaker.call(fail, cache);
    const flaky = scripted(withStatus(503), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'fresh profile');
    expect(await breaker.call(flaky.run, cache)).toEqual({ value: 'fresh profile', tier: 'primary', attempts: 3 });
    expect(slept).toEqual([100, 200]);
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', calls: 2, successes: 1, failures: 3, consecutiveFailures: 0, retries: 2, byTier: { cache: 1, primary: 1 } });
  });

  it('waits what Retry-After asks; one longer than maxMs ends the attempts and the last error is rethrown', async () => {
    const { sleep, slept } = recordingSleep();
    const { breaker } = setup({ retry: { attempts: 5, baseMs: 100, maxMs: 2_000, jitter: 0, sleep } });
    const primary = scripted(rateLimited(1_500), withStatus(503), Object.assign(rateLimited(60_000), { message: 'come back in a minute' }));
    await expect(breaker.call(primary.run)).rejects.toThrow('come back in a minute');
    expect(primary.attempts()).toBe(3);
    expect(slept).toEqual([1_500, 200]);
  });

  it('stops when another call opens the circuit while this one waits between attempts', async () => {
    let wake!: () => void;
    let waiting!: () => void;
    const asleep = new Promise<void>((resolve) => (waiting = resolve));
    const sleep = (): Promise<void> => {
      waiting();
      return new Promise<void>((resolve) => (wake = resolve));
    };
    const { breaker } = setup({ failureThreshold: 2, retry: { attempts: 3, sleep } });
    const linkedin = scripted(rateLimited());
    const first = breaker.call(linkedin.run, cache);
    await asleep;
    await breaker.call(fail, cache);
    expect(breaker.state).toBe('OPEN');
    wake();
    expect(await first).toEqual({ value: 'cached profile', tier: 'cache', attempts: 1 });
    expect(linkedin.attempts()).toBe(1);
    expect(breaker.stats().retries).toBe(0);
  });

  it('waits on a real timer by default (0 ms delays are fine on a scripted clock)', async () => {
    const { breaker } = setup({ retry: { attempts: 3, baseMs: 0 } });
    expect(await breaker.call(scripted(rateLimited(), rateLimited(), 'fresh').run)).toEqual({ value: 'fresh', tier: 'primary', attempts: 3 });
  });

  it('refuses a retry without a positive whole number of attempts', () => {
    expect(() => new CircuitBreaker({ service: 'x', retry: { attempts: 0 } })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ service: 'x', retry: { attempts: 1.5 } })).toThrow(RangeError);
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

  it('passes retry settings through to the breaker it creates', async () => {
    const { sleep } = recordingSleep();
    const registry = new BreakerRegistry({ failureThreshold: 5 });
    const linkedin = registry.get('linkedin', { retry: { attempts: 5, sleep } });
    expect((await linkedin.call(scripted(rateLimited()).run, cache)).attempts).toBe(5);
    expect(linkedin.state).toBe('OPEN');
  });

  it('the SDK singleton is the process-wide shared registry', () => {
    expect(breakerRegistry).toBe(sharedBreakerRegistry());
  });
});

/**
 * Circuit breaker with a fallback chain, for agent code calling external tools (seed 002 #13–15):
 * after `failureThreshold` consecutive failures the service is OPEN and calls go straight to the
 * fallback tiers (primary → cache → placeholder) without touching it, which is what stops a
 * rate-limited API from being hammered and what the "calls blocked / cost saved" figures count.
 * After `cooldownMs` one trial call (HALF_OPEN) decides: success closes, failure reopens.
 *
 * With `retry` the breaker also retries inside one call — Fallback(Retry(CircuitBreaker(call))) as
 * resilience4j composes them: a transient failure (429, 5xx, network) is attempted again after its
 * Retry-After or a backoff, every attempt counts as a failure, and once the failures open the
 * circuit the remaining attempts are dropped and the fallback tiers answer that same call. Only
 * while CLOSED: a HALF_OPEN trial is one attempt, so a failed trial reopens at once.
 *
 * The Python twin (`adapters/python/agentdock/breaker.py`) has the same semantics, names in
 * snake_case; `python-breaker.test.ts` runs one failure script through both and compares.
 * Telemetry (events, metrics) is best effort: a failing sink never fails the agent's call.
 */
import type { EventSink, Metrics } from '../contracts';
import { BREAKER_STATE_VALUE, METRIC } from '../telemetry/metric-names';
import { retryDelayAfter, sleep } from './retry';
import type { BackoffOptions, RetryOptions } from './retry';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** One fallback tier: its name (reported in results, stats and metrics) and what it serves. */
export interface FallbackTier<T> {
  tier: 'cache' | 'placeholder' | (string & {});
  run: () => Promise<T> | T;
}

export interface BreakerResult<T> {
  value: T;
  /** `primary`, or the name of the fallback tier that served. */
  tier: string;
  /** Primary attempts this call made: 0 when the circuit blocked it, above 1 when it retried. */
  attempts: number;
}

/**
 * Retries inside one breaker call (backoff as in `retry`: `baseMs`, `maxMs`, `factor`, `jitter`).
 * A Retry-After (`retryAfterMs` on the error) wins over the backoff; one longer than `maxMs` ends
 * the attempts, as in `retry`.
 */
export interface BreakerRetryOptions extends BackoffOptions {
  /** Primary attempts per call, the first included; 1 (the default) never retries. */
  attempts: number;
  /** Whether a failed attempt is worth another; default `isTransientError` (408/425/429/5xx, network). */
  isRetryable?: RetryOptions['isRetryable'];
  /** Waits between attempts, ms; default a real timer (a 0 ms delay costs one macrotask). Injected by tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BreakerTelemetry {
  events?: EventSink;
  metrics?: Metrics;
}

export interface CircuitBreakerOptions extends BreakerTelemetry {
  /** The external service this breaker guards (`linkedin`, `clearbit`): the metrics label. */
  service: string;
  /** Consecutive primary failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial call, ms. */
  cooldownMs?: number;
  /** Trial calls let through at once while half-open; the others are served by fallbacks. */
  halfOpenMaxCalls?: number;
  /** Monotonic milliseconds; injected by tests. */
  clock?: () => number;
  /** What one primary call costs, US dollars: each blocked call adds this to `costSavedUsd`. */
  costPerCallUsd?: number;
  /** Retries inside a call while CLOSED; default one attempt per call. */
  retry?: BreakerRetryOptions;
}

export interface BreakerStats {
  service: string;
  state: BreakerState;
  calls: number;
  /** Primary attempts that succeeded. */
  successes: number;
  /** Primary attempts that failed (a retried call counts each attempt). */
  failures: number;
  consecutiveFailures: number;
  /** Primary attempts beyond the first of their call. */
  retries: number;
  /** Calls that never reached the primary because the circuit was open. */
  blocked: number;
  /** Calls a fallback tier answered. */
  fallbackServed: number;
  /** Fallback tiers that threw (each tier tried counts once). */
  fallbackFailures: number;
  costSavedUsd: number;
  /** Calls answered, by tier (`primary`, `cache`, …). */
  byTier: Record<string, number>;
  /** Answered calls (any tier) / calls: the "98 % via fallback" figure. */
  successRate: number;
  /** Calls answered by a fallback / calls. */
  fallbackRate: number;
}

/** Thrown when the circuit is open and no fallback tier could answer. */
export class CircuitOpenError extends Error {
  readonly code = 'CircuitOpen';
  constructor(
    readonly service: string,
    /** Milliseconds until a trial call is allowed. */
    readonly retryInMs: number,
    options?: { cause?: unknown },
  ) {
    super(`circuit for ${service} is open; no fallback could answer (trial call in ${Math.max(0, Math.ceil(retryInMs))} ms)`, options);
    this.name = 'CircuitOpenError';
  }
}

const monotonicNow = (): number => performance.now();

/** Per-service circuit breaker with fallback tiers, stats, events and metrics. */
export class CircuitBreaker {
  readonly service: string;
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly halfOpenMaxCalls: number;
  readonly costPerCallUsd: number;
  readonly retry: BreakerRetryOptions;
  private readonly clock: () => number;
  private events: EventSink | undefined;
  private metrics: Metrics | undefined;
  private current: BreakerState = 'CLOSED';
  private openedAt = 0;
  private trialsInFlight = 0;
  private counts = zeroCounts();
  private byTier: Record<string, number> = {};

  constructor({ service, failureThreshold = 5, cooldownMs = 60_000, halfOpenMaxCalls = 1, clock = monotonicNow, events, metrics, costPerCallUsd = 0, retry = { attempts: 1 } }: CircuitBreakerOptions) {
    if (!service) throw new Error('CircuitBreaker needs a service name');
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) throw new RangeError(`failureThreshold must be a positive integer, got ${failureThreshold}`);
    if (!(cooldownMs >= 0)) throw new RangeError(`cooldownMs must be >= 0, got ${cooldownMs}`);
    if (!Number.isInteger(halfOpenMaxCalls) || halfOpenMaxCalls < 1) throw new RangeError(`halfOpenMaxCalls must be a positive integer, got ${halfOpenMaxCalls}`);
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new RangeError(`retry.attempts must be a positive integer, got ${retry.attempts}`);
    this.service = service;
    this.failureThreshold = failureThreshold;
    this.cooldownMs = cooldownMs;
    this.halfOpenMaxCalls = halfOpenMaxCalls;
    this.costPerCallUsd = costPerCallUsd;
    this.retry = { ...retry };
    this.clock = clock;
    this.bind({ events, metrics });
  }

  /** The state now; reading it moves OPEN to HALF_OPEN once the cooldown has passed. */
  get state(): BreakerState {
    if (this.current === 'OPEN' && this.clock() - this.openedAt >= this.cooldownMs) this.transition('HALF_OPEN', 'cooldown_elapsed');
    return this.current;
  }

  /** Points the breaker's events and metrics somewhere (the runtime does this for agent code). */
  bind({ events, metrics }: BreakerTelemetry): void {
    this.events = events;
    this.metrics = metrics;
    this.safely(() => this.metrics?.set(METRIC.breakerState, BREAKER_STATE_VALUE[this.current], { service: this.service }));
  }

  /**
   * Calls `primary` unless the circuit is open, retrying it as `retry` allows while CLOSED; when
   * it still fails, or the circuit is open, the fallbacks in order.
   */
  async call<T>(primary: () => Promise<T> | T, ...fallbacks: Array<FallbackTier<T>>): Promise<BreakerResult<T>> {
    this.counts.calls++;
    const state = this.state;
    if (state === 'OPEN' || (state === 'HALF_OPEN' && this.trialsInFlight >= this.halfOpenMaxCalls)) {
      this.counts.blocked++;
      this.counts.costSavedUsd += this.costPerCallUsd;
      this.safely(() => {
        this.metrics?.increment(METRIC.breakerCallsBlocked, { service: this.service });
        if (this.costPerCallUsd > 0) this.metrics?.increment(METRIC.breakerCostSaved, { service: this.service }, this.costPerCallUsd);
      });
      return this.fallback(fallbacks, { blocked: true, attempts: 0 });
    }
    const trial = state === 'HALF_OPEN';
    if (trial) this.trialsInFlight++;
    let primaryError: unknown;
    let attempts = 0;
    try {
      for (;;) {
        attempts++;
        try {
          const value = await primary();
          this.recordSuccess(trial);
          this.served('primary');
          return { value, tier: 'primary', attempts };
        } catch (error) {
          primaryError = error;
          this.recordFailure(trial);
        }
        const delayMs = trial ? undefined : this.retryDelay(primaryError, attempts);
        if (delayMs === undefined) break;
        await (this.retry.sleep ?? sleep)(delayMs);
        // Another call may have opened the circuit while this one waited.
        if (this.current !== 'CLOSED') break;
        this.counts.retries++;
      }
    } finally {
      if (trial) this.trialsInFlight--;
    }
    return this.fallback(fallbacks, { blocked: false, attempts, primaryError });
  }

  /** Counters since construction (or `reset`). */
  stats(): BreakerStats {
    const state = this.state;
    const { calls, fallbackServed } = this.counts;
    const answered = Object.values(this.byTier).reduce((sum, n) => sum + n, 0);
    return {
      service: this.service,
      state,
      ...this.counts,
      costSavedUsd: roundUsd(this.counts.costSavedUsd),
      byTier: { ...this.byTier },
      successRate: calls === 0 ? 1 : answered / calls,
      fallbackRate: calls === 0 ? 0 : fallbackServed / calls,
    };
  }

  /** Back to CLOSED with zeroed counters. */
  reset(): void {
    if (this.current !== 'CLOSED') this.transition('CLOSED', 'reset');
    this.counts = zeroCounts();
    this.byTier = {};
  }

  private recordSuccess(trial: boolean): void {
    this.counts.successes++;
    this.counts.consecutiveFailures = 0;
    if (trial && this.current === 'HALF_OPEN') this.transition('CLOSED', 'trial_succeeded');
  }

  private recordFailure(trial: boolean): void {
    this.counts.failures++;
    this.counts.consecutiveFailures++;
    if (trial && this.current === 'HALF_OPEN') this.transition('OPEN', 'trial_failed');
    else if (this.current === 'CLOSED' && this.counts.consecutiveFailures >= this.failureThreshold) this.transition('OPEN', 'failure_threshold');
  }

  /** Delay before the next attempt of a call whose attempt number `attempts` failed; undefined for none. */
  private retryDelay(error: unknown, attempts: number): number | undefined {
    if (attempts >= this.retry.attempts || this.current !== 'CLOSED') return undefined;
    return retryDelayAfter(error, attempts - 1, this.retry);
  }

  private async fallback<T>(fallbacks: Array<FallbackTier<T>>, outcome: { blocked: boolean; attempts: number; primaryError?: unknown }): Promise<BreakerResult<T>> {
    let lastError: unknown;
    for (const { tier, run } of fallbacks) {
      try {
        const value = await run();
        this.counts.fallbackServed++;
        this.served(tier);
        return { value, tier, attempts: outcome.attempts };
      } catch (error) {
        this.counts.fallbackFailures++;
        lastError = error;
      }
    }
    this.safely(() => this.metrics?.increment(METRIC.breakerCalls, { service: this.service, tier: 'failed' }));
    if (outcome.blocked) throw new CircuitOpenError(this.service, this.openedAt + this.cooldownMs - this.clock(), lastError === undefined ? undefined : { cause: lastError });
    throw outcome.primaryError;
  }

  private served(tier: string): void {
    this.byTier[tier] = (this.byTier[tier] ?? 0) + 1;
    this.safely(() => this.metrics?.increment(METRIC.breakerCalls, { service: this.service, tier }));
  }

  private transition(to: BreakerState, reason: string): void {
    const from = this.current;
    this.current = to;
    if (to === 'OPEN') this.openedAt = this.clock();
    if (to === 'CLOSED') this.counts.consecutiveFailures = 0;
    this.safely(() => this.metrics?.set(METRIC.breakerState, BREAKER_STATE_VALUE[to], { service: this.service }));
    this.safely(() =>
      this.events?.emit('breaker', {
        service: this.service,
        from,
        to,
        reason,
        consecutiveFailures: this.counts.consecutiveFailures,
        failureThreshold: this.failureThreshold,
        cooldownMs: this.cooldownMs,
        blocked: this.counts.blocked,
        costSavedUsd: roundUsd(this.counts.costSavedUsd),
      }),
    );
  }

  private safely(action: () => void): void {
    try {
      action();
    } catch {
      // Telemetry is never allowed to fail the agent's call.
    }
  }
}

function zeroCounts(): Omit<BreakerStats, 'service' | 'state' | 'byTier' | 'successRate' | 'fallbackRate'> {
  return { calls: 0, successes: 0, failures: 0, consecutiveFailures: 0, retries: 0, blocked: 0, fallbackServed: 0, fallbackFailures: 0, costSavedUsd: 0 };
}

/** Dollars to 1e-9: sums of per-call prices drift in binary floating point (66 × 0.1 ≠ 6.6). */
function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

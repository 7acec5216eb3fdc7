/**
 * What JavaScript/TypeScript agent code imports from AgentDock: the circuit breaker with fallback
 * tiers, retry with backoff, the replica-wide breaker registry the runtime reports from, and
 * progress reports for the control panel. Built to `out/runtime/sdk.js`, beside the runtime in
 * every bundle; agent code imports it by name, with nothing to install (the runtime resolves the
 * name to this file: `adapters/sdk-specifier.ts`). Python's twin is the `agentdock` package.
 *
 *   import { breakerRegistry, reportProgress, retry } from '@agentdock/sdk';
 *
 *   // Up to 5 attempts per call on a 429/5xx (after its Retry-After, else a backoff); every attempt
 *   // counts toward the 5 failures that open the circuit, and then the cache answers that same call.
 *   const linkedin = breakerRegistry.get('linkedin', { failureThreshold: 5, retry: { attempts: 5 }, costPerCallUsd: 0.1 });
 *   const { value, tier, attempts } = await linkedin.call(() => fetchProfile(id), { tier: 'cache', run: () => cache.get(id) });
 *   reportProgress({ done: 23, total: 100, unit: 'leads' });
 */
import { sharedBreakerRegistry } from '../reliability/breaker-registry';
import { sharedProgressChannel } from '../telemetry/progress';

export { CircuitBreaker, CircuitOpenError } from '../reliability/circuit-breaker';
export type { BreakerResult, BreakerRetryOptions, BreakerState, BreakerStats, CircuitBreakerOptions, FallbackTier } from '../reliability/circuit-breaker';
export { BreakerRegistry } from '../reliability/breaker-registry';
export type { BreakerSettings } from '../reliability/breaker-registry';
export { backoffDelay, isTransientError, retry } from '../reliability/retry';
export type { BackoffOptions, RetryOptions } from '../reliability/retry';

/** The replica-wide registry: the same instance the runtime attaches its events and metrics to. */
export const breakerRegistry = sharedBreakerRegistry();

/** A progress report: `done` of `total` `unit`s (`unit` defaults to `items`). */
export interface ProgressReport {
  done: number;
  total: number;
  unit?: string;
}

/**
 * Reports progress (`23 / 100 leads (23%)` on the control panel). The runtime checks it: `total`
 * must be above 0, `done` is clamped into [0, total]. Returns false when the report was rejected
 * (see the runtime's log) or no runtime is running; never throws.
 */
export function reportProgress(progress: ProgressReport): boolean {
  return sharedProgressChannel().report(progress);
}

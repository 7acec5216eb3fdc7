/**
 * What JavaScript/TypeScript agent code imports from AgentDock: the circuit breaker with fallback
 * tiers, retry with backoff, and the replica-wide breaker registry the runtime reports from.
 *
 *   const linkedin = breakerRegistry.get('linkedin', { costPerCallUsd: 0.1 });
 *   const { value, tier } = await linkedin.call(() => fetchProfile(id), { tier: 'cache', run: () => cache.get(id) });
 */
import { sharedBreakerRegistry } from '../reliability/breaker-registry';

export { CircuitBreaker, CircuitOpenError } from '../reliability/circuit-breaker';
export type { BreakerResult, BreakerState, BreakerStats, CircuitBreakerOptions, FallbackTier } from '../reliability/circuit-breaker';
export { BreakerRegistry } from '../reliability/breaker-registry';
export type { BreakerSettings } from '../reliability/breaker-registry';
export { backoffDelay, isTransientError, retry } from '../reliability/retry';
export type { RetryOptions } from '../reliability/retry';

/** The replica-wide registry: the same instance the runtime attaches its events and metrics to. */
export const breakerRegistry = sharedBreakerRegistry();

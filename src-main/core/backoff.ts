/**
 * The one backoff formula of the control plane (seed 003): base × 2^(n-1), capped, ± a jitter
 * fraction so many clients that failed together do not retry in lockstep. Used by deploy retries,
 * telemetry reconnects and alert deliveries, each with its own base, ceiling and jitter.
 */

export interface BackoffShape {
  /** First wait, ms. */
  baseMs: number;
  /** Longest wait, ms. */
  maxMs: number;
  /** Each wait varies by ± this fraction. */
  jitter: number;
}

/** The wait before retry number `retry` (1 = after the first failure), jittered and capped; `random` in [0, 1). */
export function backoffDelayMs(shape: BackoffShape, retry: number, random: () => number = Math.random): number {
  const exponential = Math.min(shape.maxMs, shape.baseMs * 2 ** Math.min(30, Math.max(0, retry - 1)));
  const jittered = exponential * (1 + shape.jitter * (2 * random() - 1));
  return Math.round(Math.max(0, Math.min(shape.maxMs, jittered)));
}

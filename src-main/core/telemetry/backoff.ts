/**
 * Reconnect delays: exponential with jitter, so a console that lost 1,000 replicas at once (a
 * laptop waking up, a network blip) does not reconnect to all of them in the same millisecond.
 */

export interface BackoffPolicy {
  /** First delay, ms. */
  baseMs: number;
  /** Ceiling, ms (also the pace for refused credentials). */
  maxMs: number;
  /** ± fraction of each delay chosen at random. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };

/** The delay before reconnect attempt `attempt` (0-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt)));
  const spread = raw * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(raw + spread));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
